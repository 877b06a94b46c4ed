/**
 * The maths of the demo people (scripts/make-demo-faces.ts): a face is warped by an affine map
 * that puts its eyes and mouth where asked, several warped faces are averaged with weights, and
 * the result can be lit differently, mirrored and placed beside others. A demo person is such an
 * average of faces from different photos, so no demo patient is any one real person's face.
 * Plain typed arrays like image.ts; nothing here reads or writes files.
 */
import { PNG } from 'pngjs';
import type { Frame } from './image.ts';

export interface Point {
  x: number;
  y: number;
}

/** x' = xx·x + xy·y + tx, y' = yx·x + yy·y + ty. */
export interface Affine {
  xx: number;
  xy: number;
  tx: number;
  yx: number;
  yy: number;
  ty: number;
}

export class CompositeError extends Error {
  override readonly name = 'CompositeError';
}

export function applyAffine(t: Affine, p: Point): Point {
  return { x: t.xx * p.x + t.xy * p.y + t.tx, y: t.yx * p.x + t.yy * p.y + t.ty };
}

/**
 * The similarity (turn, uniform scale, shift) that maps `from[0]` to `to[0]` and `from[1]` to
 * `to[1]`: two point pairs fix it exactly.
 */
export function similarityFrom(from: [Point, Point], to: [Point, Point]): Affine {
  const fx = from[1].x - from[0].x;
  const fy = from[1].y - from[0].y;
  const tx = to[1].x - to[0].x;
  const ty = to[1].y - to[0].y;
  const norm = fx * fx + fy * fy;
  if (!(norm > 1e-9)) throw new CompositeError('the two points to map from are the same point');
  // The complex ratio (tx + i·ty) / (fx + i·fy) is the turn-and-scale.
  const a = (tx * fx + ty * fy) / norm;
  const b = (ty * fx - tx * fy) / norm;
  return {
    xx: a,
    xy: -b,
    tx: to[0].x - (a * from[0].x - b * from[0].y),
    yx: b,
    yy: a,
    ty: to[0].y - (b * from[0].x + a * from[0].y),
  };
}

/**
 * The affine map that takes three points exactly to three others (eyes and mouth: faces
 * averaged on all three ghost less than on the eyes alone, and a ghosted face reads as blurred
 * to the enrolment gate). The three points to map from must not lie on one line.
 */
export function affineFrom(from: [Point, Point, Point], to: [Point, Point, Point]): Affine {
  const [p0, p1, p2] = from;
  const ux = p1.x - p0.x;
  const uy = p1.y - p0.y;
  const vx = p2.x - p0.x;
  const vy = p2.y - p0.y;
  const det = ux * vy - uy * vx;
  if (!(Math.abs(det) > 1e-9))
    throw new CompositeError('the three points to map from are on one line');
  // Solve M·[u v] = [u' v'] for the linear part, then the shift from p0.
  const u2x = to[1].x - to[0].x;
  const u2y = to[1].y - to[0].y;
  const v2x = to[2].x - to[0].x;
  const v2y = to[2].y - to[0].y;
  const xx = (u2x * vy - v2x * uy) / det;
  const xy = (v2x * ux - u2x * vx) / det;
  const yx = (u2y * vy - v2y * uy) / det;
  const yy = (v2y * ux - u2y * vx) / det;
  return {
    xx,
    xy,
    tx: to[0].x - xx * p0.x - xy * p0.y,
    yx,
    yy,
    ty: to[0].y - yx * p0.x - yy * p0.y,
  };
}

/**
 * An output image of width×height whose pixel p is the source's colour at outToSource(p),
 * sampled bilinearly; outside the source the nearest edge pixel is used (a crop near the photo's
 * border then shows smeared edge, not a black band the face engine could take for an edge).
 */
export function warp(source: Frame, outToSource: Affine, width: number, height: number): Frame {
  if (!(width > 0 && height > 0 && width * height <= 4_000_000))
    throw new CompositeError(`output size ${width}x${height} is out of range`);
  const out = new Uint8Array(width * height * 3);
  const { width: sw, height: sh, data } = source;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = applyAffine(outToSource, { x, y });
      const fx = Math.min(sw - 1, Math.max(0, p.x));
      const fy = Math.min(sh - 1, Math.max(0, p.y));
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const x1 = Math.min(sw - 1, x0 + 1);
      const y1 = Math.min(sh - 1, y0 + 1);
      const wx = fx - x0;
      const wy = fy - y0;
      for (let c = 0; c < 3; c++) {
        const tl = data[(y0 * sw + x0) * 3 + c]!;
        const tr = data[(y0 * sw + x1) * 3 + c]!;
        const bl = data[(y1 * sw + x0) * 3 + c]!;
        const br = data[(y1 * sw + x1) * 3 + c]!;
        out[(y * width + x) * 3 + c] = Math.round(
          (tl * (1 - wx) + tr * wx) * (1 - wy) + (bl * (1 - wx) + br * wx) * wy,
        );
      }
    }
  }
  return { width, height, data: out };
}

/** The weighted average of frames of one size; weights are scaled to sum to 1. */
export function average(frames: readonly Frame[], weights: readonly number[]): Frame {
  const first = frames[0];
  if (!first || frames.length !== weights.length)
    throw new CompositeError('average needs one weight per frame and at least one frame');
  if (frames.some((f) => f.width !== first.width || f.height !== first.height))
    throw new CompositeError('frames to average must have one size');
  if (!weights.every((w) => Number.isFinite(w) && w >= 0))
    throw new CompositeError('weights must be finite and not negative');
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0)) throw new CompositeError('weights must not all be zero');
  const out = new Uint8Array(first.data.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < frames.length; k++) sum += frames[k]!.data[i]! * weights[k]!;
    out[i] = Math.round(sum / total);
  }
  return { width: first.width, height: first.height, data: out };
}

/** Lighting of another day: v' = (v − 128)·contrast + 128 + brightness, clamped to 0..255. */
export function adjust(frame: Frame, o: { brightness: number; contrast: number }): Frame {
  const out = new Uint8Array(frame.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = (frame.data[i]! - 128) * o.contrast + 128 + o.brightness;
    out[i] = Math.min(255, Math.max(0, Math.round(v)));
  }
  return { width: frame.width, height: frame.height, data: out };
}

/**
 * Unsharp masking: v + amount·(v − box blur of the given radius). Averaged faces are softer than
 * any one photo; this gives back the edges a camera photo has.
 */
export function sharpen(frame: Frame, amount: number, radius: number): Frame {
  const { width, height, data } = frame;
  const blur = (src: Float32Array, dx: number, dy: number): Float32Array => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = -radius; k <= radius; k++) {
            const sx = Math.min(width - 1, Math.max(0, x + k * dx));
            const sy = Math.min(height - 1, Math.max(0, y + k * dy));
            s += src[(sy * width + sx) * 3 + c]!;
          }
          out[(y * width + x) * 3 + c] = s / (2 * radius + 1);
        }
      }
    }
    return out;
  };
  const blurred = blur(blur(Float32Array.from(data), 1, 0), 0, 1);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.min(255, Math.max(0, Math.round(data[i]! + amount * (data[i]! - blurred[i]!))));
  return { width, height, data: out };
}

/** Left and right swapped. */
export function mirror(frame: Frame): Frame {
  const { width, height } = frame;
  const out = new Uint8Array(frame.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = (y * width + (width - 1 - x)) * 3;
      out[d] = frame.data[s]!;
      out[d + 1] = frame.data[s + 1]!;
      out[d + 2] = frame.data[s + 2]!;
    }
  }
  return { width, height, data: out };
}

/** Frames of one height in a row, `gap` pixels of `fill` between and around them. */
export function sideBySide(frames: readonly Frame[], gap: number, fill = 96): Frame {
  const first = frames[0];
  if (!first || frames.some((f) => f.height !== first.height))
    throw new CompositeError('frames side by side must have one height');
  const width = frames.reduce((s, f) => s + f.width, 0) + gap * (frames.length + 1);
  const height = first.height + 2 * gap;
  const data = new Uint8Array(width * height * 3).fill(fill);
  let left = gap;
  for (const f of frames) {
    for (let y = 0; y < f.height; y++)
      data.set(
        f.data.subarray(y * f.width * 3, (y + 1) * f.width * 3),
        ((y + gap) * width + left) * 3,
      );
    left += f.width + gap;
  }
  return { width, height, data };
}

/** An RGB PNG of the frame. */
export function toPng(frame: Frame): Buffer {
  const png = new PNG({ width: frame.width, height: frame.height, colorType: 2 });
  for (let i = 0, j = 0; i < frame.data.length; i += 3, j += 4) {
    png.data[j] = frame.data[i]!;
    png.data[j + 1] = frame.data[i + 1]!;
    png.data[j + 2] = frame.data[i + 2]!;
    png.data[j + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/** Eye and mouth centres as means of the 68-point landmarks (36–41, 42–47, 48–67). */
export function faceKeyPoints(landmarks: readonly Point[]): {
  eyeLeft: Point;
  eyeRight: Point;
  mouth: Point;
} {
  if (landmarks.length !== 68) throw new CompositeError('expected 68 landmarks');
  const mean = (from: number, to: number): Point => {
    const pts = landmarks.slice(from, to + 1);
    return {
      x: pts.reduce((s, p) => s + p.x, 0) / pts.length,
      y: pts.reduce((s, p) => s + p.y, 0) / pts.length,
    };
  };
  return { eyeLeft: mean(36, 41), eyeRight: mean(42, 47), mouth: mean(48, 67) };
}
