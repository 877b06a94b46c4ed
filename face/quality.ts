/**
 * Quality gates: is this frame good enough to decide who the patient is? A descriptor from a
 * dark, blurred, distant or turned face is further from the patient's own template, so
 * deciding on it turns a good patient into "not recognised" (or, worse, into "uncertain"). The
 * gates say what is wrong, as a reason code, so the kiosk can tell the patient what to do.
 *
 * Pure functions over a frame, the detections (box + 68 landmarks) and thresholds; no engine.
 */
import type { FaceHint } from '../core/kiosk-api.ts';
import type { Frame } from '../hardware/camera/image.ts';
import { estimatePose, type Point } from './landmarks.ts';

export interface FaceLike {
  box: { x: number; y: number; width: number; height: number };
  landmarks: Point[];
}

export type QualityReason =
  | 'ok'
  | 'no-face'
  | 'multiple-faces'
  | 'off-frame'
  | 'too-far'
  | 'too-close'
  | 'too-dark'
  | 'too-bright'
  | 'head-turned'
  | 'head-tilted'
  | 'blurred';

export interface QualityThresholds {
  /** A second face at least this wide (share of the largest) is someone standing beside the patient. */
  maxOtherFaceRatio: number;
  /** Face width under this share of the frame width: too far. */
  minFaceWidthRatio: number;
  /** ... or under this many pixels, whatever the frame size: too few pixels for a descriptor. */
  minFacePixels: number;
  /** Face box over this share of the frame's width or height: too close. */
  maxFaceSizeRatio: number;
  /** Share of the face box allowed outside the frame before the face counts as cut off. */
  maxOutsideRatio: number;
  /** Mean luma (0-255) of the face. */
  minBrightness: number;
  maxBrightness: number;
  /** Degrees. */
  maxYaw: number;
  maxRoll: number;
  /** Variance of the Laplacian over variance of the face, at a fixed size (see sharpness()). */
  minSharpness: number;
}

/**
 * Defaults, set from the fixture photos (all pass) and from the same photos darkened, brightened,
 * blurred and shrunk (all fail); see docs/face.md "Quality gates".
 */
export const DEFAULT_QUALITY: QualityThresholds = {
  maxOtherFaceRatio: 0.6,
  minFaceWidthRatio: 0.12,
  minFacePixels: 60,
  maxFaceSizeRatio: 0.8,
  maxOutsideRatio: 0.15,
  minBrightness: 50,
  maxBrightness: 210,
  maxYaw: 30,
  maxRoll: 20,
  minSharpness: 0.09,
};

export interface QualityMetrics {
  faceWidthRatio: number;
  outsideRatio: number;
  brightness: number;
  sharpness: number;
  yaw: number;
  roll: number;
}

export interface QualityReport<F extends FaceLike = FaceLike> {
  reason: QualityReason;
  /** The patient: the largest face, when there is one (also when another gate failed). */
  face?: F;
  faceCount: number;
  /** Absent only when there is no face. */
  metrics?: QualityMetrics;
}

/** Judges a frame; `faces` in any order. The first gate that fails is the reason. */
export function assessQuality<F extends FaceLike>(
  frame: Frame,
  faces: readonly F[],
  thresholds: Partial<QualityThresholds> = {},
): QualityReport<F> {
  const t = { ...DEFAULT_QUALITY, ...thresholds };
  if (faces.length === 0) return { reason: 'no-face', faceCount: 0 };
  const sorted = [...faces].sort((a, b) => area(b) - area(a));
  const face = sorted[0]!;
  const metrics = measure(frame, face);
  const report = (reason: QualityReason): QualityReport<F> => ({
    reason,
    face,
    faceCount: faces.length,
    metrics,
  });
  // The largest face is the patient; a face nearly as large is someone beside them, and a
  // payment must not be decided while it is unclear whose face it is. Small faces far behind
  // are passers-by in a lobby and are ignored.
  const second = sorted[1];
  if (second && second.box.width >= t.maxOtherFaceRatio * face.box.width)
    return report('multiple-faces');
  if (metrics.outsideRatio > t.maxOutsideRatio) {
    // Cut off on every side at once means the face fills the frame: step back.
    return report(metrics.faceWidthRatio > t.maxFaceSizeRatio ? 'too-close' : 'off-frame');
  }
  if (face.box.width < Math.max(t.minFacePixels, t.minFaceWidthRatio * frame.width))
    return report('too-far');
  if (
    face.box.width > t.maxFaceSizeRatio * frame.width ||
    face.box.height > t.maxFaceSizeRatio * frame.height
  )
    return report('too-close');
  if (metrics.brightness < t.minBrightness) return report('too-dark');
  if (metrics.brightness > t.maxBrightness) return report('too-bright');
  if (Math.abs(metrics.yaw) > t.maxYaw) return report('head-turned');
  if (Math.abs(metrics.roll) > t.maxRoll) return report('head-tilted');
  if (metrics.sharpness < t.minSharpness) return report('blurred');
  return report('ok');
}

/**
 * What to tell the patient. The kiosk's hint set is small on purpose (one instruction an
 * elderly patient can follow); the detailed reason goes to `onQuality` for logs and diagnostics.
 */
export function hintFor(reason: QualityReason): FaceHint {
  switch (reason) {
    case 'ok':
      return 'checking';
    case 'no-face':
      return 'no-face';
    case 'multiple-faces':
      return 'multiple-faces';
    case 'blurred':
      return 'hold-still';
    default:
      return 'look-at-camera';
  }
}

export function measure(frame: Frame, face: FaceLike): QualityMetrics {
  const { box } = face;
  const inside = clip(frame, box);
  const boxArea = Math.max(box.width * box.height, 1e-6);
  const pose = estimatePose(face.landmarks);
  return {
    faceWidthRatio: box.width / frame.width,
    // Clipping works in whole pixels, so a face fully inside can read as slightly negative.
    outsideRatio: Math.max(0, 1 - (inside ? inside.width * inside.height : 0) / boxArea),
    brightness: inside ? meanLuma(frame, inside) : 0,
    sharpness: inside ? sharpness(frame, inside) : 0,
    yaw: pose.yaw,
    roll: pose.roll,
  };
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const area = (f: FaceLike) => f.box.width * f.box.height;

/** The part of a box inside the frame, in whole pixels; undefined when nothing is inside. */
function clip(frame: Frame, box: Rect): Rect | undefined {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

const luma = (d: Uint8Array, i: number) => 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;

export function meanLuma(frame: Frame, rect: Rect): number {
  let sum = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++)
      sum += luma(frame.data, (y * frame.width + x) * 3);
  }
  return sum / (rect.width * rect.height);
}

/** Side of the square the face is averaged down to before measuring sharpness. */
const SHARPNESS_SIZE = 64;

/**
 * Variance of the 4-neighbour Laplacian over the inner part of the face (no background or hair,
 * whose edges would count as detail), area-averaged to a fixed 64x64 first, divided by the
 * variance of the intensities themselves. The fixed size makes a near and a far face
 * comparable; averaging (not point sampling) keeps aliasing from passing for detail; and the
 * division makes it a measure of blur alone: a dark or low-contrast face has a small Laplacian
 * too, and is the brightness gate's business, not this one's.
 */
export function sharpness(frame: Frame, rect: Rect): number {
  const inner = {
    x: rect.x + Math.floor(rect.width * 0.15),
    y: rect.y + Math.floor(rect.height * 0.15),
    width: Math.max(1, Math.floor(rect.width * 0.7)),
    height: Math.max(1, Math.floor(rect.height * 0.7)),
  };
  const n = SHARPNESS_SIZE;
  const gray = new Float64Array(n * n);
  // Each cell averages its block of source pixels (at least one, so small faces are
  // upsampled by repetition rather than left with empty cells).
  for (let gy = 0; gy < n; gy++) {
    const y0 = inner.y + Math.floor((gy * inner.height) / n);
    const y1 = Math.max(y0 + 1, inner.y + Math.floor(((gy + 1) * inner.height) / n));
    for (let gx = 0; gx < n; gx++) {
      const x0 = inner.x + Math.floor((gx * inner.width) / n);
      const x1 = Math.max(x0 + 1, inner.x + Math.floor(((gx + 1) * inner.width) / n));
      let s = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) s += luma(frame.data, (y * frame.width + x) * 3);
      }
      gray[gy * n + gx] = s / ((y1 - y0) * (x1 - x0));
    }
  }
  let sum = 0;
  let sumSq = 0;
  let m = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const lap = gray[i - 1]! + gray[i + 1]! + gray[i - n]! + gray[i + n]! - 4 * gray[i]!;
      sum += lap;
      sumSq += lap * lap;
      m++;
    }
  }
  const mean = sum / m;
  let gs = 0;
  let gss = 0;
  for (const v of gray) {
    gs += v;
    gss += v * v;
  }
  const gvar = gss / gray.length - (gs / gray.length) ** 2;
  return (sumSq / m - mean * mean) / Math.max(gvar, 1e-6);
}
