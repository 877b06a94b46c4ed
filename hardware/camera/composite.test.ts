import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  adjust,
  affineFrom,
  applyAffine,
  average,
  CompositeError,
  faceKeyPoints,
  mirror,
  type Point,
  sharpen,
  sideBySide,
  similarityFrom,
  toPng,
  warp,
} from './composite.ts';
import { EYES, eyesFor, LOOKS, PHOTO_HEIGHT, PHOTO_WIDTH } from './demo-faces.ts';
import type { Frame } from './image.ts';

const solid = (width: number, height: number, v: number): Frame => ({
  width,
  height,
  data: new Uint8Array(width * height * 3).fill(v),
});
/** Each pixel's red is its x, green its y: where a warp sampled is readable from the colour. */
function ramp(width: number, height: number): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return { width, height, data };
}
const px = (f: Frame, x: number, y: number) => [
  ...f.data.subarray((y * f.width + x) * 3, (y * f.width + x) * 3 + 3),
];

describe('similarityFrom', () => {
  it('maps the two eyes exactly where asked, whatever the turn and scale', () => {
    const cases: [Point, Point, Point, Point][] = [
      [{ x: 10, y: 20 }, { x: 50, y: 24 }, EYES[0], EYES[1]],
      [
        { x: 900, y: 400 },
        { x: 860, y: 470 },
        { x: 0, y: 0 },
        { x: 3, y: -1 },
      ],
      [
        { x: -5, y: 7 },
        { x: 5, y: 7 },
        { x: 100, y: 100 },
        { x: 100, y: 300 },
      ],
    ];
    for (const [a, b, c, d] of cases) {
      const t = similarityFrom([a, b], [c, d]);
      for (const [from, to] of [
        [a, c],
        [b, d],
      ] as const) {
        expect(applyAffine(t, from).x).toBeCloseTo(to.x, 9);
        expect(applyAffine(t, from).y).toBeCloseTo(to.y, 9);
      }
    }
  });

  it('keeps shapes: the midpoint goes to the midpoint, right angles stay right', () => {
    const t = similarityFrom(
      [
        { x: 3, y: 4 },
        { x: 40, y: 9 },
      ],
      [
        { x: 100, y: 50 },
        { x: 60, y: 120 },
      ],
    );
    const mid = applyAffine(t, { x: 21.5, y: 6.5 });
    expect(mid.x).toBeCloseTo(80, 9);
    expect(mid.y).toBeCloseTo(85, 9);
    const o = applyAffine(t, { x: 0, y: 0 });
    const u = applyAffine(t, { x: 1, y: 0 });
    const v = applyAffine(t, { x: 0, y: 1 });
    expect((u.x - o.x) * (v.x - o.x) + (u.y - o.y) * (v.y - o.y)).toBeCloseTo(0, 9);
  });

  it('refuses two equal points', () => {
    const p = { x: 1, y: 1 };
    expect(() => similarityFrom([p, p], [p, { x: 2, y: 2 }])).toThrow(CompositeError);
  });
});

describe('affineFrom', () => {
  it('maps the eyes and the mouth exactly where asked', () => {
    const from: [Point, Point, Point] = [
      { x: 812.4, y: 300.1 },
      { x: 880.9, y: 310.6 },
      { x: 840.2, y: 395.3 },
    ];
    const to: [Point, Point, Point] = [EYES[0], EYES[1], { x: 181, y: 300 }];
    const t = affineFrom(from, to);
    for (let i = 0; i < 3; i++) {
      expect(applyAffine(t, from[i]!).x).toBeCloseTo(to[i]!.x, 9);
      expect(applyAffine(t, from[i]!).y).toBeCloseTo(to[i]!.y, 9);
    }
  });

  it('is the similarity when the third point agrees with it', () => {
    const eyes: [Point, Point] = [
      { x: 3, y: 4 },
      { x: 40, y: 9 },
    ];
    const s = similarityFrom(eyes, [EYES[0], EYES[1]]);
    const mouth = { x: 20, y: 60 };
    const a = affineFrom([...eyes, mouth], [EYES[0], EYES[1], applyAffine(s, mouth)]);
    for (const k of ['xx', 'xy', 'tx', 'yx', 'yy', 'ty'] as const)
      expect(a[k]).toBeCloseTo(s[k], 9);
  });

  it('refuses three points on one line', () => {
    const line: [Point, Point, Point] = [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
      { x: 2, y: 2 },
    ];
    expect(() => affineFrom(line, [EYES[0], EYES[1], { x: 0, y: 9 }])).toThrow(CompositeError);
  });
});

describe('warp', () => {
  it('samples the source where the transform points, bilinearly, clamped at the edges', () => {
    const source = ramp(100, 80);
    const shift = similarityFrom(
      [
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ],
      [
        { x: 10.5, y: 20 },
        { x: 11.5, y: 20 },
      ],
    );
    const out = warp(source, shift, 200, 30);
    expect(px(out, 0, 0)).toEqual([11, 20, 7]); // 10.5 rounds up between 10 and 11
    expect(px(out, 5, 3)).toEqual([16, 23, 7]);
    expect(px(out, 150, 29)).toEqual([99, 49, 7]); // beyond the right edge: the edge column
  });

  it('with the identity gives the source back', () => {
    const source = ramp(30, 20);
    const id = similarityFrom(
      [
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ],
      [
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ],
    );
    expect(warp(source, id, 30, 20).data).toEqual(source.data);
  });

  it('refuses an output size out of range', () => {
    const id = { xx: 1, xy: 0, tx: 0, yx: 0, yy: 1, ty: 0 };
    expect(() => warp(ramp(4, 4), id, 0, 10)).toThrow(CompositeError);
    expect(() => warp(ramp(4, 4), id, 5000, 5000)).toThrow(CompositeError);
  });
});

describe('average', () => {
  it('weighs the frames by weights scaled to sum to 1', () => {
    const out = average([solid(2, 2, 0), solid(2, 2, 100), solid(2, 2, 200)], [1, 1, 2]);
    expect([...out.data]).toEqual(new Array(12).fill(125));
    const same = average([solid(2, 2, 0), solid(2, 2, 100), solid(2, 2, 200)], [0.25, 0.25, 0.5]);
    expect(same.data).toEqual(out.data);
  });

  it('refuses frames of different sizes, a weight count that does not match, bad weights', () => {
    expect(() => average([solid(2, 2, 0), solid(3, 2, 0)], [1, 1])).toThrow(CompositeError);
    expect(() => average([solid(2, 2, 0)], [1, 1])).toThrow(CompositeError);
    expect(() => average([solid(2, 2, 0)], [-1])).toThrow(CompositeError);
    expect(() => average([solid(2, 2, 0)], [0])).toThrow(CompositeError);
    expect(() => average([], [])).toThrow(CompositeError);
  });

  it("every look's weights are positive and about sum to 1", () => {
    for (const look of LOOKS) {
      expect(look.weights).toHaveLength(3);
      expect(look.weights.every((w) => w > 0)).toBe(true);
      expect(look.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 6);
    }
  });
});

describe('lighting, mirroring, side by side, PNG', () => {
  it('adjust applies contrast about mid-grey, then brightness, clamped', () => {
    const f: Frame = {
      width: 1,
      height: 3,
      data: new Uint8Array([0, 128, 255, 10, 200, 250, 1, 2, 3]),
    };
    expect([...adjust(f, { brightness: 10, contrast: 1.5 }).data]).toEqual([
      0, 138, 255, 0, 246, 255, 0, 0, 0,
    ]);
  });

  it('sharpen leaves flat areas alone and steepens an edge', () => {
    expect(sharpen(solid(9, 9, 77), 0.8, 2).data).toEqual(solid(9, 9, 77).data);
    const edge: Frame = { width: 10, height: 1, data: new Uint8Array(30) };
    for (let x = 5; x < 10; x++) edge.data.fill(200, x * 3, x * 3 + 3);
    const out = sharpen(edge, 1, 1);
    expect(px(out, 4, 0)[0]).toBe(0); // undershoot clamped
    expect(px(out, 5, 0)[0]).toBeGreaterThan(200); // overshoot on the bright side
    expect(px(out, 9, 0)[0]).toBe(200);
  });

  it('mirror swaps left and right, twice is the original', () => {
    const f = ramp(5, 2);
    expect(px(mirror(f), 0, 1)).toEqual([4, 1, 7]);
    expect(mirror(mirror(f)).data).toEqual(f.data);
  });

  it('sideBySide places each frame after the gap', () => {
    const out = sideBySide([solid(3, 2, 10), solid(4, 2, 20)], 1, 0);
    expect([out.width, out.height]).toEqual([10, 4]);
    expect(px(out, 0, 1)).toEqual([0, 0, 0]);
    expect(px(out, 1, 1)).toEqual([10, 10, 10]);
    expect(px(out, 5, 2)).toEqual([20, 20, 20]);
    expect(() => sideBySide([solid(3, 2, 0), solid(3, 3, 0)], 1)).toThrow(CompositeError);
  });

  it('toPng writes a PNG that reads back the same pixels', () => {
    const f = ramp(6, 4);
    const back = PNG.sync.read(toPng(f));
    expect([back.width, back.height]).toEqual([6, 4]);
    expect([...back.data.subarray((2 * 6 + 5) * 4, (2 * 6 + 5) * 4 + 4)]).toEqual([5, 2, 7, 255]);
  });
});

describe('looks and key points', () => {
  it("photo 1's eyes are the template's; the others stay inside the photo", () => {
    expect(eyesFor(LOOKS[0]!)).toEqual(EYES);
    for (const look of LOOKS) {
      for (const eye of eyesFor(look)) {
        expect(eye.x).toBeGreaterThan(0.25 * PHOTO_WIDTH);
        expect(eye.x).toBeLessThan(0.75 * PHOTO_WIDTH);
        expect(eye.y).toBeGreaterThan(0.3 * PHOTO_HEIGHT);
        expect(eye.y).toBeLessThan(0.55 * PHOTO_HEIGHT);
      }
    }
    expect(new Set(LOOKS.map((l) => JSON.stringify(l))).size).toBe(LOOKS.length);
  });

  it('faceKeyPoints takes the means of the eye and mouth landmarks', () => {
    const landmarks = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 2 * i }));
    expect(faceKeyPoints(landmarks)).toEqual({
      eyeLeft: { x: 38.5, y: 77 },
      eyeRight: { x: 44.5, y: 89 },
      mouth: { x: 57.5, y: 115 },
    });
    expect(() => faceKeyPoints(landmarks.slice(1))).toThrow(CompositeError);
  });
});
