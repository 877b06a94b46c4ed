/**
 * Descriptors of photos computed once and kept on disk, so a measurement over thousands of photos
 * (the LFW protocols in lfw-protocols.ts) takes seconds on a rerun instead of an hour.
 *
 * One file per model version (`<version>.jsonl` in the cache directory): the version is a hash of
 * the nets' weights manifests and weight files and of the pipeline options, so a changed model or
 * a changed detector choice never reads another's descriptors. Each line is one photo, keyed by
 * its absolute path, size and modification time (a replaced photo is computed again), holding
 * every face found (box, score, 128 floats in base64); a photo with no face is kept too, as an
 * empty list, so it is counted as `no_face` rather than dropped. Lines are appended as photos are
 * done: a run that is stopped resumes where it was, and a torn last line is skipped.
 *
 * The cache holds descriptors of the photos measured (biometric data of the people in them): it
 * lives outside the repository (default .kiosk-data/face-cache/, which git ignores).
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DetectOptions, FaceEngine, FaceObservation } from './face-engine.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { decodeImage } from '../hardware/camera/image.ts';

export const DEFAULT_CACHE_DIR = '.kiosk-data/face-cache';

/** Bumped when the engine's own detection sequence changes in a way the options do not show. */
const PIPELINE_REVISION = 1;

/** The files of the nets a descriptor depends on (detectors, landmarks, recognition). */
const NETS = [
  'ssd_mobilenetv1_model',
  'tiny_face_detector_model',
  'face_landmark_68_model',
  'face_recognition_model',
];

export interface CachedFace {
  box: FaceObservation['box'];
  score: number;
  descriptor: Float32Array;
}

export interface CachedPhoto {
  width: number;
  height: number;
  /** Every face found, largest first; empty when the detector found none. */
  faces: CachedFace[];
}

/**
 * The model version: nets (manifests and weights) and the detection options, hashed. Two runs
 * share descriptors only when both are the same.
 */
export async function modelVersion(
  modelDir: string,
  detect: DetectOptions,
  readFileFn: (path: string) => Promise<Uint8Array> = readFile,
): Promise<string> {
  const hash = createHash('sha256');
  for (const net of NETS) {
    for (const file of [`${net}-weights_manifest.json`, `${net}.bin`]) {
      hash.update(file);
      hash.update(await readFileFn(join(modelDir, file)));
    }
  }
  hash.update(JSON.stringify({ revision: PIPELINE_REVISION, detect: sortedKeys(detect) }));
  return hash.digest('hex').slice(0, 16);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortedKeys(v)]),
    );
  return value;
}

interface Line {
  k: string;
  w: number;
  h: number;
  f: { b: [number, number, number, number]; s: number; d: string }[];
}

const encode = (d: Float32Array) =>
  Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');

function decode(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== DESCRIPTOR_LENGTH * 4) throw new Error('descriptor of the wrong length');
  // Copied into its own buffer: Buffer's pool offset need not be 4-byte aligned.
  const out = new Float32Array(DESCRIPTOR_LENGTH);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export class DescriptorCache {
  private writes: Promise<void> = Promise.resolve();
  private constructor(
    readonly file: string,
    private readonly entries: Map<string, CachedPhoto>,
  ) {}

  /** Opens (or starts) the cache of one model version in `dir`. */
  static async open(dir: string, version: string): Promise<DescriptorCache> {
    const file = join(dir, `${version}.jsonl`);
    const entries = new Map<string, CachedPhoto>();
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      try {
        const line = JSON.parse(raw) as Line;
        entries.set(line.k, {
          width: line.w,
          height: line.h,
          faces: line.f.map(({ b, s, d }) => ({
            box: { x: b[0], y: b[1], width: b[2], height: b[3] },
            score: s,
            descriptor: decode(d),
          })),
        });
      } catch {
        // A line torn by a stopped run: that photo is computed again.
      }
    }
    await mkdir(dir, { recursive: true });
    return new DescriptorCache(file, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key of a photo as it is on disk now: path, size and modification time. */
  static async keyOf(path: string): Promise<string> {
    const s = await stat(path);
    return `${resolve(path)}|${s.size}|${Math.round(s.mtimeMs)}`;
  }

  get(key: string): CachedPhoto | undefined {
    return this.entries.get(key);
  }

  /** Keeps a photo's faces, in memory at once and on disk in order of completion. */
  put(key: string, photo: CachedPhoto): Promise<void> {
    this.entries.set(key, photo);
    const line: Line = {
      k: key,
      w: photo.width,
      h: photo.height,
      f: photo.faces.map((f) => ({
        b: [f.box.x, f.box.y, f.box.width, f.box.height].map((v) => Number(v.toFixed(2))) as [
          number,
          number,
          number,
          number,
        ],
        s: Number(f.score.toFixed(4)),
        d: encode(f.descriptor),
      })),
    };
    this.writes = this.writes.then(() =>
      appendFile(this.file, `${JSON.stringify(line)}\n`, { mode: 0o600 }),
    );
    return this.writes;
  }

  /** Waits for every line handed to put() to be on disk. */
  flush(): Promise<void> {
    return this.writes;
  }
}

export interface DescribeProgress {
  done: number;
  total: number;
  computed: number;
  noFace: number;
  /** Wall time per computed photo so far. */
  msPerPhoto: number;
}

export interface DescribeResult {
  photos: Map<string, CachedPhoto>;
  cached: number;
  /** Photos neither cached nor computed (cachedOnly). */
  missing: number;
  computed: number;
  noFace: number;
  /** Wall time per computed photo (NaN when every photo came from the cache). */
  msPerPhoto: number;
}

/**
 * The faces of each photo, from the cache or computed with `engine` (a pool analyses
 * `concurrency` photos side by side; only that many are decoded at a time, so thousands of
 * photos do not sit in memory at once). Keys of the result are the paths as given.
 */
export async function describePhotos(
  paths: readonly string[],
  engine: Pick<FaceEngine, 'detectAll'>,
  cache: DescriptorCache,
  options: {
    detect?: DetectOptions;
    concurrency?: number;
    onProgress?: (p: DescribeProgress) => void;
    progressEvery?: number;
    /** Only what the cache holds (a look at a run still in progress); the rest are `missing`. */
    cachedOnly?: boolean;
  } = {},
): Promise<DescribeResult> {
  const photos = new Map<string, CachedPhoto>();
  let pending: { path: string; key: string }[] = [];
  let cached = 0;
  for (const path of paths) {
    const key = await DescriptorCache.keyOf(path);
    const hit = cache.get(key);
    if (hit) {
      photos.set(path, hit);
      cached++;
    } else pending.push({ path, key });
  }
  const missing = options.cachedOnly ? pending.length : 0;
  if (options.cachedOnly) pending = [];
  let computed = 0;
  const started = performance.now();
  const every = options.progressEvery ?? 100;
  const report = () =>
    options.onProgress?.({
      done: cached + computed,
      total: paths.length,
      computed,
      noFace: [...photos.values()].filter((p) => p.faces.length === 0).length,
      msPerPhoto: computed > 0 ? (performance.now() - started) / computed : NaN,
    });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pending.length; i = next++) {
      const { path, key } = pending[i]!;
      const frame = decodeImage(await readFile(path));
      const faces = await engine.detectAll(frame, options.detect ?? {});
      const photo: CachedPhoto = {
        width: frame.width,
        height: frame.height,
        faces: faces.map((f) => ({ box: f.box, score: f.score, descriptor: f.descriptor })),
      };
      photos.set(path, photo);
      await cache.put(key, photo);
      if (++computed % every === 0) report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  await cache.flush();
  const ms = performance.now() - started;
  return {
    photos,
    cached,
    missing,
    computed,
    noFace: [...photos.values()].filter((p) => p.faces.length === 0).length,
    msPerPhoto: computed > 0 ? ms / computed : NaN,
  };
}

const IMAGE = /\.(png|jpe?g)$/i;

/** Every image file under `dir`, at any depth, sorted (the order photos are computed in). */
export async function imagesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && IMAGE.test(entry.name)) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}
