/**
 * The face engine's command line: `npm run -s face -- <command>`. Every command prints exactly
 * one JSON object on stdout, so scripts and CI can parse it; progress and errors go to stderr.
 * See `npm run -s face -- --help` and docs/face.md.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  DEFAULT_DECISION_POLICY,
  DEFAULT_MARGIN,
  DEFAULT_THRESHOLD,
  TARGET_FMR,
} from './calibration.ts';
import {
  calibrateCommand,
  describeCommand,
  type MeasureOptions,
  openSetCommand,
  pairsCommand,
} from './cli-measure.ts';
import { decisionPolicySchema } from './decision-policy.ts';
import { DEFAULT_CACHE_DIR } from './descriptor-cache.ts';
import { templateSet } from './enrollment.ts';
import { evaluateSet, loadEvaluationSet } from './evaluate.ts';
import { FaceEngine } from './face-engine.ts';
import { FaceEnginePool } from './face-engine-pool.ts';
import { DESCRIPTOR_LENGTH, FaceGallery, type MatchPolicy } from './gallery.ts';
import { FileKeySource, GalleryStore } from './gallery-store.ts';
import { decodeImage } from '../hardware/camera/image.ts';
import { seededRandom } from './liveness.ts';
import { DEFAULT_PHOTO_LOOK } from './photo-look.ts';
import { assessQuality } from './quality.ts';

const HELP = `Usage: npm run -s face -- <command> [options]

Every command prints one JSON object on stdout; progress goes to stderr.

Commands:
  evaluate DIR          Calibration run over a photo folder. DIR holds one folder per person
                        (photos sorted by name, numbers in numeric order); _strangers/ holds
                        people who are not enrolled; other _folders are ignored. Each person's
                        first photo is enrolled, every other photo is a genuine probe (1:N
                        against everyone) and an impostor probe (against everyone else); every
                        face in _strangers/ is an impostor probe against everyone. Each probe
                        is decided by the decision policy; one sent to the second factor types
                        the last 4 characters of its own (simulated) ID number.
      --policy FILE     a decision policy (or calibrate's output); default the shipped one
      --threshold T, --margin M   instead of a policy: accept under T with margin M, as
                        before the decision policy (defaults ${DEFAULT_THRESHOLD}, ${DEFAULT_MARGIN})
      --target-fmr F    false-match rate to report against (default ${TARGET_FMR})
  evaluate --protocol pairs FILE
                        LFW's ten-fold pair verification (FILE: fold, kind, first, second;
                        photos under FILE's images/ folder, or --images DIR), then every pair
                        of photos of every person there: TAR at FMR 1e-3 .. 1e-6 and the share
                        of different-person pairs under each distance.
  evaluate --protocol open-set DIR
                        Open-set 1:N: DIR holds one folder per person (or an images/ folder
                        that does). Per gallery size, N people enrolled with one photo each,
                        probed with their other photos and with everyone else's; each probe
                        decided by the decision policy and a simulated second factor (a
                        stranger types 4 random characters). FPIR, FNIR, second-factor shares.
      --gallery-sizes L (default 100,1000,all)   --draws N (default 5)   --seed N
      --policy FILE     a decision policy (or calibrate's output); default the shipped one
      --distance-scale S   every distance x S: a population whose faces crowd together
  calibrate DIR         The decision policy for a population: DIR holds one folder per person
                        (a hospital's consented enrolment photos, the layout evaluate reads).
                        Every pair of photos is compared; the face alone accepts only where the
                        measured false-match rate (95% upper bound) x the gallery size stays
                        under the target FPIR. Prints (and writes) the policy, the figures
                        behind it and a calibratedOn record.
      --target-fpir F   false-positive identification rate allowed (default 1e-3)
      --gallery-size N  persons the kiosk's gallery will hold (required)
      --out FILE        also write the result there (the kiosk's policy file)
  describe PATH...      Computes the descriptors of every photo at or under PATH into the
                        descriptor cache, so the measuring commands take seconds.
  enroll IMAGE...       Enrols a person from one or more photos (their template set replaces
      --person ID       any they had): each photo must pass the enrolment quality gate (poor
                        ones are left out and named), and all must show the same one face.
  remove --person ID    Deletes a person's templates (consent withdrawn).
  identify IMAGE        1:N: who is the largest face in IMAGE?
  verify IMAGE          1:1: is the largest face in IMAGE this person?
      --person ID
  bench                 1:N search speed on synthetic templates (no camera, no model).
      --sizes N,N       templates per gallery (default 100000,1000000)
      --searches N      searches timed per size (default 20)
      --seed N          (default 1)

Gallery options (enroll, remove, identify, verify):
  --gallery FILE        encrypted gallery (default .kiosk-data/face-gallery.kfg)
  --key FILE            key file, mode 0600, created if missing (default .kiosk-data/face-gallery.key)
  --threshold T, --margin M   as for evaluate

Measuring options (describe, evaluate --protocol, calibrate):
  --cached-only         only photos already described (a look at a run in progress)
  --cache DIR           descriptor cache (default ${DEFAULT_CACHE_DIR}), one file per model version
  --workers N           worker threads for photos not yet cached (default one per core)
  --photo-look L        standard (SSD at 512, as enrolment) or DETECTOR:INPUT:PAD, a faster
                        first look (default ${DEFAULT_PHOTO_LOOK}; calibrate: standard)
`;

const options = {
  threshold: { type: 'string' },
  margin: { type: 'string' },
  'target-fmr': { type: 'string' },
  person: { type: 'string' },
  gallery: { type: 'string', default: '.kiosk-data/face-gallery.kfg' },
  key: { type: 'string', default: '.kiosk-data/face-gallery.key' },
  sizes: { type: 'string', default: '100000,1000000' },
  searches: { type: 'string', default: '20' },
  seed: { type: 'string', default: '1' },
  cache: { type: 'string', default: DEFAULT_CACHE_DIR },
  workers: { type: 'string' },
  'photo-look': { type: 'string' },
  'target-fpir': { type: 'string', default: '1e-3' },
  'gallery-size': { type: 'string' },
  out: { type: 'string' },
  'cached-only': { type: 'boolean' },
  protocol: { type: 'string' },
  images: { type: 'string' },
  'gallery-sizes': { type: 'string', default: '100,1000,all' },
  draws: { type: 'string', default: '5' },
  policy: { type: 'string' },
  'distance-scale': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number`);
  return n;
}

async function main(argv: string[]): Promise<unknown> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stderr.write(HELP);
    return undefined;
  }
  const policy: MatchPolicy = {
    threshold: numberOption(values.threshold, 'threshold', DEFAULT_THRESHOLD),
    margin: numberOption(values.margin, 'margin', DEFAULT_MARGIN),
  };
  const store = () => new GalleryStore(values.gallery, new FileKeySource(values.key));
  const person = () => {
    if (!values.person) throw new UsageError('--person ID is required');
    return values.person;
  };
  const oneImage = () => {
    if (rest.length !== 1) throw new UsageError(`${command} takes exactly one IMAGE`);
    return rest[0]!;
  };

  const measure: MeasureOptions = {
    cacheDir: values.cache,
    ...(values.workers ? { workers: Math.max(1, numberOption(values.workers, 'workers', 1)) } : {}),
    photoLook: values['photo-look'] ?? DEFAULT_PHOTO_LOOK,
    ...(values['cached-only'] ? { cachedOnly: true } : {}),
    log,
  };

  switch (command) {
    case 'describe': {
      if (rest.length === 0) throw new UsageError('describe needs at least one PATH');
      return describeCommand(rest, measure);
    }
    case 'calibrate': {
      if (rest.length !== 1) throw new UsageError('calibrate takes exactly one DIR');
      if (!values['gallery-size']) throw new UsageError('--gallery-size N is required');
      const targetFpir = numberOption(values['target-fpir'], 'target-fpir', 1e-3);
      if (!(targetFpir > 0 && targetFpir < 1))
        throw new UsageError('--target-fpir must be in (0, 1)');
      return calibrateCommand(rest[0]!, {
        ...measure,
        // Enrolment photos are looked at as enrolment looks at them, unless told otherwise.
        photoLook: values['photo-look'] ?? 'standard',
        targetFpir,
        gallerySize: Math.max(
          1,
          Math.round(numberOption(values['gallery-size'], 'gallery-size', 1)),
        ),
        ...(values.out ? { out: values.out } : {}),
        now: () => new Date(),
      });
    }
    case 'evaluate': {
      if (rest.length !== 1) throw new UsageError('evaluate takes exactly one DIR or FILE');
      if (values.protocol === 'pairs')
        return pairsCommand(rest[0]!, {
          ...measure,
          ...(values.images ? { imagesDir: values.images } : {}),
          referenceThreshold: policy.threshold,
        });
      if (values.protocol === 'open-set')
        return openSetCommand(rest[0]!, {
          ...measure,
          sizes: values['gallery-sizes']
            .split(',')
            .map((s) =>
              s === 'all' ? 'all' : Math.max(1, Math.round(numberOption(s, 'gallery-sizes', 1))),
            ),
          draws: Math.max(1, Math.round(numberOption(values.draws, 'draws', 5))),
          seed: numberOption(values.seed, 'seed', 1),
          policy: values.policy ? await readPolicy(values.policy) : DEFAULT_DECISION_POLICY,
          ...(values['distance-scale']
            ? { distanceScale: numberOption(values['distance-scale'], 'distance-scale', 1) }
            : {}),
        });
      if (values.protocol !== undefined)
        throw new UsageError(`unknown protocol "${values.protocol}" (pairs, open-set)`);
      const engine = await loadPool();
      try {
        const set = await loadEvaluationSet(rest[0]!, engine, (line) => log(line));
        return evaluateSet(
          set,
          // --threshold / --margin alone: the rule before the decision policy, for comparison.
          values.policy
            ? await readPolicy(values.policy)
            : values.threshold || values.margin
              ? policy
              : DEFAULT_DECISION_POLICY,
          numberOption(values['target-fmr'], 'target-fmr', TARGET_FMR),
        );
      } finally {
        await engine.close();
      }
    }
    case 'enroll': {
      if (rest.length === 0) throw new UsageError('enroll needs at least one IMAGE');
      const id = person();
      const frames = await Promise.all(rest.map(async (p) => decodeImage(await readFile(p))));
      const engine = await loadPool();
      const set = await templateSet(engine, frames).finally(() => engine.close());
      const gallery = await store().loadOrEmpty();
      // A template set replaces the person's old one: old and new photos are never mixed.
      gallery.remove(id);
      for (const d of set.descriptors) gallery.add(id, d);
      await store().save(gallery);
      return {
        enrolled: id,
        templates: set.descriptors.length,
        photos: set.verdicts.map((v) => ({ image: rest[v.index], quality: v.reason })),
        gallery_persons: gallery.persons,
      };
    }
    case 'remove': {
      const id = person();
      const gallery = await store().load();
      const removed = gallery.remove(id);
      if (removed > 0) await store().save(gallery);
      return { removed: id, templates: removed, gallery_persons: gallery.persons };
    }
    case 'identify':
    case 'verify': {
      const path = oneImage();
      const id = command === 'verify' ? person() : undefined;
      const gallery = await store().load();
      const engine = await loadEngine();
      const frame = decodeImage(await readFile(path));
      const faces = await engine.detectAll(frame);
      const quality = assessQuality(frame, faces);
      const face = quality.face;
      if (!face) return { faces: 0, decision: { kind: 'no-face' } };
      const decision =
        id === undefined
          ? gallery.identify(face.descriptor, policy)
          : gallery.verify(id, face.descriptor, policy);
      return {
        faces: faces.length,
        // Live-camera gates, for information: a photo file is often a tight crop ("too-close").
        quality: quality.reason,
        decision,
        candidates: id === undefined ? gallery.search(face.descriptor, 3) : undefined,
        threshold: policy.threshold,
        margin: policy.margin,
      };
    }
    case 'bench': {
      const sizes = values.sizes.split(',').map((s) => numberOption(s, 'sizes', 0));
      const searches = Math.max(1, Math.round(numberOption(values.searches, 'searches', 20)));
      const seed = numberOption(values.seed, 'seed', 1);
      const results = [];
      for (const size of sizes) results.push(benchSearch(Math.round(size), searches, seed, policy));
      return { bench: results };
    }
    default:
      throw new UsageError(`unknown command "${command}" (see --help)`);
  }
}

/** A decision policy from a file: the policy itself, or calibrate's output that holds one. */
async function readPolicy(path: string) {
  const json = JSON.parse(await readFile(path, 'utf8')) as { policy?: unknown };
  const parsed = decisionPolicySchema.safeParse(json.policy ?? json);
  if (!parsed.success)
    throw new UsageError(`${path}: not a decision policy (${parsed.error.message})`);
  return parsed.data;
}

/** Many images: one engine per core, on worker threads. */
async function loadPool(): Promise<FaceEnginePool> {
  const pool = await FaceEnginePool.start();
  log(
    `face engine: ${pool.backend} x${pool.size} workers, loaded in ${Math.round(pool.loadMs)} ms`,
  );
  return pool;
}

async function loadEngine(): Promise<FaceEngine> {
  const engine = await FaceEngine.load();
  log(`face engine: ${engine.backend}, loaded in ${Math.round(engine.loadMs)} ms`);
  return engine;
}

/**
 * Times 1:N identification over `size` synthetic templates, one per person: each value normal
 * with sd 0.05, so strangers sit about 0.8 apart as real descriptors do. Half the probes are an
 * enrolled template plus noise (a returning patient, about 0.4 away), half are fresh strangers.
 */
function benchSearch(size: number, searches: number, seed: number, policy: MatchPolicy) {
  const random = seededRandom(seed);
  const gaussian = () =>
    Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const built = performance.now();
  const gallery = new FaceGallery({ capacity: size });
  const template = new Float32Array(DESCRIPTOR_LENGTH);
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < DESCRIPTOR_LENGTH; k++) template[k] = gaussian() * 0.05;
    gallery.add(`p${i}`, template);
  }
  const buildMs = performance.now() - built;
  const data = gallery.exportRaw().data;
  const probes = Array.from({ length: searches + 2 }, (_, i) => {
    const probe = new Float32Array(DESCRIPTOR_LENGTH);
    const base = Math.floor(random() * size) * DESCRIPTOR_LENGTH;
    for (let k = 0; k < DESCRIPTOR_LENGTH; k++)
      probe[k] = i % 2 === 0 ? data[base + k]! + gaussian() * 0.035 : gaussian() * 0.05;
    return probe;
  });
  const times: number[] = [];
  const matched = { genuine: 0, stranger: 0 };
  for (const [i, probe] of probes.entries()) {
    const started = performance.now();
    const decision = gallery.identify(probe, policy);
    const ms = performance.now() - started;
    if (i >= 2) times.push(ms); // the first two warm the JIT up
    if (decision.kind === 'match') matched[i % 2 === 0 ? 'genuine' : 'stranger']++;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return {
    templates: size,
    searches: times.length,
    ms_per_search_median: at(0.5),
    ms_per_search_p95: at(0.95),
    // Sanity, not a measure: returning patients found, strangers not.
    genuine_matched: matched.genuine,
    stranger_matched: matched.stranger,
    simd: gallery.simd,
    gallery_mb: Math.round(data.byteLength / 2 ** 20),
    build_ms: Math.round(buildMs),
  };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// stdout carries one JSON object and nothing else: anything a library prints with console.log
// (TensorFlow.js announces backends that way) is sent to stderr instead.
console.log = (...args: unknown[]) => console.error(...args);

main(process.argv.slice(2)).then(
  (result) => {
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    log(`face: ${(error as Error).message ?? String(error)}`);
    if (usage) log('(see npm run -s face -- --help)');
    process.exitCode = usage ? 2 : 1;
  },
);
