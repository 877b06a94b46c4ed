import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnrollmentError, enrollFiles, MAX_TEMPLATES, templateSet } from './enrollment.ts';
import { FaceEngine, type FaceObservation, projectRoot } from './face-engine.ts';
import { DESCRIPTOR_LENGTH, FaceGallery } from './gallery.ts';
import { decodeImage, type Frame } from '../hardware/camera/image.ts';
import { seededRandom } from './liveness.ts';
import { type HeadPose, syntheticFace } from './synthetic-face.ts';

/** A lit, textured 640x480 photo: the gates' pixel measures pass on it, unless `level` is low. */
const photo = (level = 1): Frame => {
  const width = 640;
  const height = 480;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++)
    data.fill(((i * 37) % 97 < 40 ? 160 : 110) * level, i * 3, i * 3 + 3);
  return { width, height, data };
};

const random = seededRandom(8);
const gaussian = () =>
  Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
const identity = () => Float32Array.from({ length: DESCRIPTOR_LENGTH }, () => gaussian() * 0.05);
const ANN = identity();

const face = (who: Float32Array, pose: HeadPose = {}): FaceObservation => ({
  ...syntheticFace({ scale: 70, ...pose }),
  score: 0.99,
  descriptor: who.map((v) => v + gaussian() * 0.01),
});

/** An engine that finds, in photo i, the faces `scenes[i]` (photos told apart by identity). */
function engineFor(scenes: FaceObservation[][]) {
  const frames = scenes.map(() => photo());
  return {
    frames,
    engine: { detectAll: async (frame: Frame) => scenes[frames.indexOf(frame)] ?? [] },
  };
}

describe('templateSet (the enrolment quality gate)', () => {
  it('keeps the good photos and names what is wrong with the others', async () => {
    const { frames, engine } = engineFor([
      [face(ANN)],
      [face(ANN, { yaw: 45 })],
      [],
      [face(ANN), face(identity(), { cx: 200 })],
      [face(ANN, { roll: 5 })],
    ]);
    const set = await templateSet(engine, frames);
    expect(set.descriptors).toHaveLength(2);
    expect(set.verdicts.map((v) => v.reason)).toEqual([
      'ok',
      'head-turned',
      'no-face',
      'several-faces',
      'ok',
    ]);
  });

  it('a dark photo is left out; with no good photo at all the set is refused, saying why', async () => {
    const dark = photo(0.2);
    const engine = { detectAll: async () => [face(ANN)] };
    await expect(templateSet(engine, [dark])).rejects.toMatchObject({
      code: 'poor-quality',
      verdicts: [{ index: 0, reason: 'too-dark' }],
    });
    await expect(templateSet({ detectAll: async () => [] }, [photo(), photo()])).rejects.toThrow(
      EnrollmentError,
    );
    await expect(templateSet({ detectAll: async () => [] }, [photo()])).rejects.toMatchObject({
      code: 'no-face',
    });
    await expect(templateSet(engine, [])).rejects.toMatchObject({ code: 'no-images' });
  });

  it('photos of two different people are refused whole', async () => {
    const { frames, engine } = engineFor([[face(ANN)], [face(identity())]]);
    await expect(templateSet(engine, frames)).rejects.toMatchObject({ code: 'inconsistent' });
  });

  it(`keeps at most ${MAX_TEMPLATES} templates`, async () => {
    const { frames, engine } = engineFor(Array.from({ length: 8 }, () => [face(ANN)]));
    const set = await templateSet(engine, frames);
    expect(set.descriptors).toHaveLength(MAX_TEMPLATES);
    expect(set.verdicts).toHaveLength(8);
  });
});

const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');

describe.skipIf(!existsSync(fixtures))('enrolment from real photos (fixtures)', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = await FaceEngine.load();
  }, 120_000);

  it('the simulator enrols photos 1 and 2 of each person: all pass, as a template set', async () => {
    const gallery = new FaceGallery();
    for (const person of ['amy', 'penny', 'raj', 'stuart']) {
      const set = await enrollFiles(engine, gallery, person, [
        join(fixtures, person, '1.png'),
        join(fixtures, person, '2.png'),
      ]);
      expect(set.verdicts.map((v) => v.reason)).toEqual(['ok', 'ok']);
    }
    expect(gallery.persons).toBe(4);
    expect(gallery.size).toBe(8);
    // The search is per person: the nearest of their templates decides.
    const probe = (
      await engine.detectAll(decodeImage(await readFile(join(fixtures, 'raj', '4.png'))))
    )[0]!;
    const [best] = gallery.search(probe.descriptor, 1);
    expect(best).toMatchObject({ personId: 'raj' });
    expect(best!.distance).toBeCloseTo(gallery.distanceTo('raj', probe.descriptor)!, 5);
    // Enrolling again replaces the set instead of adding to it.
    await enrollFiles(engine, gallery, 'raj', [join(fixtures, 'raj', '3.png')]);
    expect(gallery.size).toBe(7);
  }, 120_000);

  it('a blurred photo is refused by the gate, and the good one kept', async () => {
    const sharp = decodeImage(await readFile(join(fixtures, 'penny', '4.png')));
    const blurred = boxBlur(sharp, 1);
    const set = await templateSet(engine, [sharp, blurred]);
    expect(set.verdicts.map((v) => v.reason)).toEqual(['ok', 'blurred']);
    expect(set.descriptors).toHaveLength(1);
  }, 60_000);
});

/** A (2r+1)-wide box blur, run twice: a photo taken with a shaking hand. */
function boxBlur(frame: Frame, r: number): Frame {
  let src = frame.data;
  for (let pass = 0; pass < 2; pass++) {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < frame.height; y++) {
      for (let x = 0; x < frame.width; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          let n = 0;
          for (let dy = -r; dy <= r; dy++) {
            for (let dx = -r; dx <= r; dx++) {
              const yy = y + dy;
              const xx = x + dx;
              if (yy < 0 || xx < 0 || yy >= frame.height || xx >= frame.width) continue;
              sum += src[(yy * frame.width + xx) * 3 + c]!;
              n++;
            }
          }
          out[(y * frame.width + x) * 3 + c] = sum / n;
        }
      }
    }
    src = out;
  }
  return { width: frame.width, height: frame.height, data: src };
}
