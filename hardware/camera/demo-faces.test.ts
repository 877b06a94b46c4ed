import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compositePhoto,
  DEMO_PEOPLE,
  type DemoRecipe,
  EYES,
  LOOKS,
  mouthTarget,
  PHOTO_HEIGHT,
  PHOTO_WIDTH,
  readRecipe,
} from './demo-faces.ts';
import type { Frame } from './image.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the committed recipe', () => {
  const recipe = readRecipe(projectRoot);

  it('gives each demo person three faces from three different photos, no face twice', () => {
    expect(Object.keys(recipe.people).sort()).toEqual([...DEMO_PEOPLE].sort());
    const used = Object.values(recipe.people).flat();
    expect(new Set(used).size).toBe(used.length);
    for (const faceIds of Object.values(recipe.people)) {
      expect(faceIds).toHaveLength(3);
      const sources = faceIds.map((id) => recipe.faces.find((f) => f.id === id)?.source);
      expect(sources.every((s) => recipe.sources.some((src) => src.id === s))).toBe(true);
      expect(new Set(sources).size).toBe(3);
    }
  });

  it('was measured: no demo photo nearer a real face than the two nearest real people', () => {
    const m = recipe.measured as Record<string, number>;
    expect(m.demoToNearestRealFace).toBeGreaterThanOrEqual(m.nearestTwoRealFaces!);
    expect(m.probeToOwnEnrolledWorst).toBeLessThan(m.probeToOtherEnrolledBest!);
  });
});

/** A grey photo with a red dot on each eye and a blue one on the mouth of each face. */
function dots(width: number, height: number, faces: [number, number][][]): Frame {
  const data = new Uint8Array(width * height * 3).fill(128);
  for (const face of faces) {
    for (const [i, [cx, cy]] of face.entries()) {
      for (let y = cy - 3; y <= cy + 3; y++)
        for (let x = cx - 3; x <= cx + 3; x++)
          data.set(i < 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

describe('compositePhoto', () => {
  // Two faces of different sizes and tilts in two photos, with the same proportions.
  const a: [number, number][] = [
    [100, 100],
    [150, 100],
    [125, 155],
  ];
  const b: [number, number][] = [
    [300, 220],
    [300, 300],
    [212, 260],
  ];
  const recipe: DemoRecipe = {
    note: '',
    sources: ['one', 'two'].map((id) => ({
      id,
      package: 'p',
      version: '1',
      license: 'MIT',
      path: `${id}.jpg`,
      sha256: '0'.repeat(64),
    })),
    faces: [
      { id: 'a', source: 'one', eyeLeft: a[0]!, eyeRight: a[1]!, mouth: a[2]! },
      { id: 'b', source: 'two', eyeLeft: b[0]!, eyeRight: b[1]!, mouth: b[2]! },
    ],
    people: { x: ['a', 'b'] },
    measured: {},
  };
  const sources = new Map([
    ['one', dots(400, 400, [a])],
    ['two', dots(400, 400, [b])],
  ]);
  const at = (f: Frame, p: { x: number; y: number }) => {
    const i = (Math.round(p.y) * f.width + Math.round(p.x)) * 3;
    return [...f.data.subarray(i, i + 3)];
  };

  it("puts every face's eyes on the template's and the mouths on the mean mouth", () => {
    const photo = compositePhoto(recipe, sources, ['a', 'b'], LOOKS[0]!);
    expect([photo.width, photo.height]).toEqual([PHOTO_WIDTH, PHOTO_HEIGHT]);
    // Both faces' dots coincide, so the average keeps them at full strength (sharpening only
    // pushes them further from grey).
    for (const eye of EYES) expect(at(photo, eye)).toEqual([255, 0, 0]);
    // Face a's mouth is 1.1 eye-distances below the eyes, b's 1.1 too: the mean is 1.1.
    const mouth = mouthTarget(recipe, ['a', 'b'], [1, 1]);
    expect(mouth.x).toBeCloseTo(180, 6);
    expect(mouth.y).toBeCloseTo(190 + 1.1 * 96, 6);
    expect(at(photo, mouth)).toEqual([0, 0, 255]);
  });

  it('mirrors the look that says so, and draws the same photo twice the same', () => {
    const mirrored = LOOKS.findIndex((l) => l.mirrored);
    expect(mirrored).toBeGreaterThan(0);
    const once = compositePhoto(recipe, sources, ['a', 'b'], LOOKS[mirrored]!);
    expect(compositePhoto(recipe, sources, ['a', 'b'], LOOKS[mirrored]!).data).toEqual(once.data);
    expect(once.data).not.toEqual(compositePhoto(recipe, sources, ['a', 'b'], LOOKS[0]!).data);
  });
});
