import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECISION_POLICY } from './calibration.ts';
import { type EvaluationSet, evaluateSet } from './evaluate.ts';
import { projectRoot } from './face-engine.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { seededRandom } from './liveness.ts';

const run = promisify(execFile);
const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
const policy = { threshold: 0.6, margin: 0.06 };

const random = seededRandom(5);
const gaussian = () =>
  Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
/** Strangers sit about 0.8 apart and photos of one person about 0.3, as real descriptors do. */
const identity = () => Float32Array.from({ length: DESCRIPTOR_LENGTH }, () => gaussian() * 0.05);
const photoOf = (who: Float32Array, sd = 0.02) => who.map((v) => v + gaussian() * sd);

const person = (id: string, who: Float32Array, photos = 3) => ({
  id,
  photos: Array.from({ length: photos }, (_, i) => ({
    file: `${id}/${i + 1}.png`,
    descriptors: [photoOf(who)],
  })),
});

describe('evaluateSet (the protocol, on synthetic descriptors)', () => {
  it('well separated people: every genuine probe right, no impostor accepted', () => {
    const set: EvaluationSet = {
      persons: ['a', 'b', 'c', 'd'].map((id) => person(id, identity())),
      strangers: [
        { file: '_strangers/x.png', descriptors: [photoOf(identity()), photoOf(identity())] },
      ],
    };
    const r = evaluateSet(set, policy);
    expect(r).toMatchObject({
      persons: 4,
      genuine_probes: 8,
      rank1_correct: 8,
      false_non_match: 0,
      uncertain: 0,
      wrong_person: 0,
      impostor_probes: 8 + 2, // every genuine probe again, plus both faces in the stranger photo
      false_match: 0,
      no_face: 0,
      threshold: 0.6,
      margin: 0.06,
    });
    expect(r.impostor_comparisons).toBe(8 * 3 + 2 * 4);
    expect(r.genuine_distance_max).toBeLessThan(0.6);
    expect(r.impostor_distance_min).toBeGreaterThan(0.6);
    expect(r.fmr_upper_95).toBeCloseTo(1 - 0.05 ** (1 / 32), 5);
    expect(r.comparisons_needed_for_target).toBe(30_000);
  });

  it('twins: under the threshold for both, so uncertain, never a guess', () => {
    const twin = identity();
    const twinPerson = (id: string) => ({
      id,
      photos: [
        // Enrolled from all but the same photo; probed with their own photos.
        { file: `${id}/1.png`, descriptors: [photoOf(twin, 0.0005)] },
        { file: `${id}/2.png`, descriptors: [photoOf(twin)] },
        { file: `${id}/3.png`, descriptors: [photoOf(twin)] },
      ],
    });
    const set: EvaluationSet = {
      persons: [twinPerson('a'), twinPerson('b'), person('c', identity())],
      strangers: [],
    };
    const r = evaluateSet(set, policy);
    expect(r.uncertain).toBe(4);
    expect(r.rank1_correct).toBe(2);
    expect(r.genuine_margin_min).toBeLessThan(0.01);
    // As impostors (own person left out), each twin's probes land on the other twin.
    expect(r.false_match).toBe(4);
  });

  it('a stranger who looks like an enrolled person is a false match', () => {
    const a = identity();
    const set: EvaluationSet = {
      persons: [person('a', a), person('b', identity())],
      strangers: [{ file: '_strangers/lookalike.png', descriptors: [photoOf(a)] }],
    };
    expect(evaluateSet(set, policy).false_match).toBe(1);
  });

  it('no face: counted; a person whose enrolment photo shows none becomes a stranger', () => {
    const b = identity();
    const set: EvaluationSet = {
      persons: [
        person('a', identity()),
        { id: 'b', photos: [{ file: 'b/1.png', descriptors: [] }, ...person('b', b, 2).photos] },
      ],
      strangers: [{ file: '_strangers/wall.png', descriptors: [] }],
    };
    const r = evaluateSet(set, policy);
    expect(r.no_face).toBe(2);
    expect(r.persons).toBe(1);
    expect(r.not_enrolled).toEqual(['b']);
    expect(r.genuine_probes).toBe(2);
    expect(r.impostor_probes).toBe(2 + 2);
  });
});

describe('npm run face (the command line)', () => {
  let dir: string;
  const cli = (...args: string[]) =>
    run('npx', ['tsx', join('face', 'cli.ts'), ...args], {
      cwd: projectRoot,
      maxBuffer: 1 << 20,
    });

  beforeAll(async () => {
    // Two people, two photos each; a stranger; a folder and a file the protocol ignores.
    dir = await mkdtemp(join(tmpdir(), 'face-evaluate-'));
    for (const [folder, source] of [
      ['sheldon', 'sheldon'],
      ['penny', 'penny'],
      ['_strangers', 'raj'],
    ] as const) {
      await mkdir(join(dir, folder));
      for (const photo of folder === '_strangers' ? ['3.png'] : ['1.png', '4.png'])
        await copyFile(join(fixtures, source, photo), join(dir, folder, photo));
    }
    await mkdir(join(dir, '_group'));
    await copyFile(join(fixtures, '_group', 'bbt1.jpg'), join(dir, '_group', 'bbt1.jpg'));
    await writeFile(join(dir, 'penny', 'notes.txt'), 'not a photo');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('evaluate prints one JSON object on stdout and nothing else', async () => {
    const { stdout, stderr } = await cli('evaluate', dir);
    const report = JSON.parse(stdout) as Record<string, number>;
    expect(report).toMatchObject({
      persons: 2,
      genuine_probes: 2,
      false_non_match: 0,
      wrong_person: 0,
      impostor_probes: 3,
      false_match: 0,
      false_match_after_second_factor: 0,
      no_face: 0,
      threshold: DEFAULT_DECISION_POLICY.acceptThreshold,
      margin: DEFAULT_DECISION_POLICY.margin,
    });
    // Every patient identified: by face alone, or by the second factor when it was not decisive.
    expect(report.rank1_correct! + report.second_factor_ok!).toBe(2);
    expect(report.second_factor_ok).toBe(report.uncertain);
    expect(stderr).toMatch(/sheldon: 2 photos, 2 with a face/);
  });

  it('--help and usage errors go to stderr with exit codes', async () => {
    const help = await cli('--help');
    expect(help.stdout).toBe('');
    expect(help.stderr).toMatch(/evaluate DIR/);
    await expect(cli('evaluate')).rejects.toMatchObject({ code: 2, stdout: '' });
    await expect(cli('frobnicate')).rejects.toMatchObject({ code: 2 });
  });

  it('bench on a small synthetic gallery reports ms per search', async () => {
    const { stdout } = await cli('bench', '--sizes', '5000', '--searches', '4');
    const [result] = (JSON.parse(stdout) as { bench: Record<string, number>[] }).bench;
    expect(result).toMatchObject({ templates: 5000, searches: 4, simd: true });
    expect(result!.ms_per_search_median).toBeGreaterThan(0);
  });
});
