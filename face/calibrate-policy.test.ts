import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPairs } from './all-pairs.ts';
import { calibratePolicy, type Calibration } from './calibrate-policy.ts';
import { upperBound95 } from './calibration.ts';
import { decisionPolicySchema } from './decision-policy.ts';
import { projectRoot } from './face-engine.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { seededRandom } from './liveness.ts';

const random = seededRandom(17);
const gaussian = () =>
  Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
/** A crowded population: strangers about 0.56 apart (older faces crowd), photos about 0.32. */
const identity = () => Float32Array.from({ length: DESCRIPTOR_LENGTH }, () => gaussian() * 0.035);
const photoOf = (who: Float32Array) => who.map((v) => v + gaussian() * 0.02);

/** 300 people x 3 photos: 400,000 impostor comparisons. */
const descriptors: Float32Array[] = [];
const owners: number[] = [];
for (let p = 0; p < 300; p++) {
  const who = identity();
  for (let k = 0; k < 3; k++) {
    descriptors.push(photoOf(who));
    owners.push(p);
  }
}
const pairs = allPairs(descriptors, owners);
const clock = () => new Date('2026-03-01T09:00:00Z');
const options = (targetFpir: number, gallerySize: number) => ({
  targetFpir,
  gallerySize,
  now: clock,
  population: { people: 300, photos: 900, noFace: 0 },
  photoLook: 'standard',
  modelVersion: 'test',
});

describe('calibratePolicy', () => {
  it('enough comparisons for the gallery: the face alone accepts where N x FMR stays under the target', () => {
    const c = calibratePolicy(pairs, options(1e-3, 10));
    const n = pairs.impostor.total;
    expect(c.evidence.impostor_comparisons).toBe(n);
    expect(c.evidence.face_alone_at_gallery_size).toBe(true);
    expect(c.policy.maxGalleryForFaceAlone).toBeGreaterThanOrEqual(10);
    const under = pairs.impostor.below(c.policy.acceptThreshold);
    expect(upperBound95(under, n) * 10).toBeLessThanOrEqual(1e-3);
    // And it is the loosest such threshold on the grid.
    expect(
      upperBound95(pairs.impostor.below(c.policy.acceptThreshold + 0.005), n) * 10,
    ).toBeGreaterThan(1e-3);
    expect(c.policy.secondFactorThreshold).toBeGreaterThanOrEqual(c.policy.acceptThreshold);
    expect(decisionPolicySchema.parse(c.policy)).toMatchObject({ framesToAgree: 2 });
  });

  it('too few comparisons for the gallery: the face alone is off at that size, never assumed', () => {
    const c = calibratePolicy(pairs, options(1e-3, 1_000_000));
    expect(c.evidence.face_alone_at_gallery_size).toBe(false);
    expect(c.policy.maxGalleryForFaceAlone).toBeLessThan(1_000_000);
    expect(c.policy.maxGalleryForFaceAlone).toBe(
      Math.floor(
        1e-3 / upperBound95(pairs.impostor.below(c.policy.acceptThreshold), pairs.impostor.total),
      ),
    );
    expect(c.evidence.comparisons_needed).toBe(3e9);
  });

  it('records when and on what it was calibrated; candidates capped so a random guess stays under the target', () => {
    const c = calibratePolicy(pairs, options(1e-4, 50));
    expect(c.calibratedOn).toEqual({
      date: '2026-03-01T09:00:00.000Z',
      people: 300,
      photos: 900,
      no_face: 0,
      targetFpir: 1e-4,
      gallerySize: 50,
      photoLook: 'standard',
      modelVersion: 'test',
    });
    expect(c.policy.maxCandidates).toBe(1); // 1 in 11,000 per candidate: one keeps it under 1e-4
    expect(calibratePolicy(pairs, options(1e-3, 50)).policy.maxCandidates).toBe(5);
  });

  it('no comparisons at all: the face alone never accepts', () => {
    const c = calibratePolicy(allPairs([], []), options(1e-3, 10));
    expect(c.policy.maxGalleryForFaceAlone).toBe(0);
  });
});

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run('npx', ['tsx', join('face', 'cli.ts'), ...args], {
    cwd: projectRoot,
    maxBuffer: 1 << 22,
  });
const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
const lfw = join(projectRoot, '..', 'shared', 'datasets', 'lfw-dev');

describe('face -- calibrate (the command line)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'face-calibrate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!existsSync(fixtures))(
    'on the fixtures: 8 people, 700 impostor comparisons, too few for face alone at 100',
    async () => {
      const out = join(dir, 'policy.json');
      const { stdout } = await cli(
        'calibrate',
        fixtures,
        '--gallery-size',
        '100',
        '--target-fpir',
        '1e-3',
        '--cache',
        join(dir, 'cache'),
        '--out',
        out,
      );
      const printed = JSON.parse(stdout) as Calibration;
      expect(printed.calibratedOn).toMatchObject({
        people: 8,
        photos: 40,
        no_face: 0,
        gallerySize: 100,
      });
      expect(printed.evidence).toMatchObject({
        impostor_comparisons: 700,
        genuine_comparisons: 80,
        impostors_under_accept: 0,
        face_alone_at_gallery_size: false,
      });
      // 0 of 700 supports FMR <= 0.43% at best: 100 x that is far over 1e-3.
      expect(printed.policy.maxGalleryForFaceAlone).toBe(0);
      expect(printed.policy.acceptThreshold).toBeLessThan(
        printed.evidence.nearest_impostor_distance,
      );
      const written = JSON.parse(await readFile(out, 'utf8')) as Calibration;
      expect(written.policy).toEqual(printed.policy);
      // The file is what --policy reads back.
      expect(decisionPolicySchema.parse(written.policy).maxGalleryForFaceAlone).toBe(0);
    },
    300_000,
  );

  // lfw-dev's 8,943 photos take an hour to describe: only a cache already filled by
  // `face -- describe` is used here (--cached-only).
  const lfwCache = join(projectRoot, '.kiosk-data', 'face-cache');
  it.skipIf(!existsSync(lfw) || !existsSync(lfwCache))(
    'on lfw-dev (from the descriptor cache): millions of comparisons support the face alone at 100',
    async () => {
      const { stdout } = await cli(
        'calibrate',
        lfw,
        '--gallery-size',
        '100',
        '--photo-look',
        'ssd:256:0',
        '--cached-only',
      );
      const c = JSON.parse(stdout) as Calibration;
      if (c.calibratedOn.photos < 5000) return; // the cache is still being filled
      expect(c.evidence.impostor_comparisons).toBeGreaterThan(1e7);
      expect(c.evidence.face_alone_at_gallery_size).toBe(true);
      expect(c.policy.acceptThreshold).toBeLessThan(0.5);
    },
    300_000,
  );
});
