/**
 * The measuring commands of the face CLI (describe, evaluate --protocol pairs | open-set,
 * calibrate): photos become descriptors through the descriptor cache, so only the first run over
 * a set pays for the nets; the protocols themselves are pure (pairs-protocol.ts,
 * open-set-protocol.ts, calibrate-policy.ts).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { allPairs, tailReport } from './all-pairs.ts';
import {
  type CachedPhoto,
  DescriptorCache,
  describePhotos,
  imagesUnder,
  modelVersion,
} from './descriptor-cache.ts';
import { defaultModelDir } from './face-engine.ts';
import { FaceEnginePool } from './face-engine-pool.ts';
import { calibratePolicy } from './calibrate-policy.ts';
import type { DecisionPolicy } from './decision-policy.ts';
import { personFolders, subjectFace } from './measure-set.ts';
import { openSet, type OpenSetPerson } from './open-set-protocol.ts';
import { pairsProtocol, parsePairs } from './pairs-protocol.ts';
import { parsePhotoLook } from './photo-look.ts';

export interface MeasureOptions {
  cacheDir: string;
  /** Worker threads for the photos not yet cached (default one per core). */
  workers?: number;
  /** --photo-look (photo-look.ts). */
  photoLook: string;
  /** Use only photos already in the cache (a look at a run still in progress). */
  cachedOnly?: boolean;
  log: (line: string) => void;
}

export interface Described {
  photos: Map<string, CachedPhoto>;
  version: string;
  cacheFile: string;
  cached: number;
  /** Photos left out with cachedOnly. */
  missing: number;
  computed: number;
  no_face: number;
  /** Wall time per computed photo, on the workers used (absent when all came from the cache). */
  ms_per_photo?: number;
  workers?: number;
}

/** Each photo's faces, from the cache or computed (the nets load only if some are missing). */
export async function describeAll(paths: readonly string[], o: MeasureOptions): Promise<Described> {
  const detect = parsePhotoLook(o.photoLook);
  const version = await modelVersion(defaultModelDir, detect);
  const cache = await DescriptorCache.open(o.cacheDir, version);
  o.log(`descriptor cache ${cache.file}: ${cache.size} photos`);
  let pool: Promise<FaceEnginePool> | undefined;
  const engine = {
    detectAll: async (...args: Parameters<FaceEnginePool['detectAll']>) =>
      (await (pool ??= startPool(o))).detectAll(...args),
  };
  try {
    const workers = o.workers ?? 2;
    const result = await describePhotos(paths, engine, cache, {
      detect,
      ...(o.cachedOnly ? { cachedOnly: true } : {}),
      // Two photos per worker in flight: the next is decoded while the worker runs the nets.
      concurrency: 2 * workers,
      progressEvery: 50,
      onProgress: (p) =>
        o.log(
          `${p.done}/${p.total} photos (${p.computed} computed, ${p.noFace} without a face), ` +
            `${Math.round(p.msPerPhoto)} ms per photo`,
        ),
    });
    return {
      photos: result.photos,
      version,
      cacheFile: cache.file,
      cached: result.cached,
      missing: result.missing,
      computed: result.computed,
      no_face: result.noFace,
      ...(result.computed > 0
        ? { ms_per_photo: Math.round(result.msPerPhoto), workers: (await pool)?.size ?? workers }
        : {}),
    };
  } finally {
    await (await pool)?.close();
  }
}

async function startPool(o: MeasureOptions): Promise<FaceEnginePool> {
  const pool = await FaceEnginePool.start(o.workers ? { size: o.workers } : {});
  o.log(
    `face engine: ${pool.backend} x${pool.size} workers, loaded in ${Math.round(pool.loadMs)} ms`,
  );
  return pool;
}

/** `describe PATH...`: fills the cache for every image at or under the paths. */
export async function describeCommand(targets: string[], o: MeasureOptions) {
  const paths: string[] = [];
  for (const target of targets)
    paths.push(...((await stat(target)).isDirectory() ? await imagesUnder(target) : [target]));
  const d = await describeAll(paths, o);
  return { ...photosLine(d, o), cache_file: d.cacheFile };
}

/** What every measuring command reports about the photos behind its figures. */
function photosLine(d: Described, o: MeasureOptions) {
  return {
    photos: d.photos.size + d.missing,
    cached: d.cached,
    computed: d.computed,
    ...(d.missing > 0 ? { not_yet_described: d.missing } : {}),
    no_face: d.no_face,
    ...(d.ms_per_photo === undefined ? {} : { ms_per_photo: d.ms_per_photo, workers: d.workers }),
    photo_look: o.photoLook,
    model_version: d.version,
  };
}

/**
 * `evaluate --protocol pairs FILE`: LFW's ten-fold pair verification, then every pair of photos
 * of the people in the images folder (FILE's `images/` folder, or FILE's own, or --images) for
 * the false-match tail: TAR at FMR 1e-3 .. 1e-6 and the share of impostor pairs under each
 * distance.
 */
export async function pairsCommand(
  file: string,
  o: MeasureOptions & { imagesDir?: string; referenceThreshold: number },
) {
  const pairs = parsePairs(await readFile(file, 'utf8'));
  const root = o.imagesDir ?? (await imagesRoot(dirname(file)));
  const persons = await personFolders(root);
  const paths = new Set(persons.flatMap((p) => p.photos));
  for (const p of pairs) for (const path of [p.first, p.second]) paths.add(join(root, path));
  const d = await describeAll([...paths], o);
  const face = (path: string) => subjectFace(d.photos.get(path));
  const started = performance.now();
  // A look at a run in progress: only the pairs whose photos are both described so far.
  const described = pairs.filter((p) =>
    [p.first, p.second].every((path) => d.photos.has(join(root, path))),
  );
  const verification = {
    ...(described.length < pairs.length
      ? { pairs_not_yet_described: pairs.length - described.length }
      : {}),
    ...pairsProtocol(described, (p) => face(join(root, p)), o.referenceThreshold),
  };
  const descriptors: Float32Array[] = [];
  const owners: number[] = [];
  const where: string[] = [];
  persons.forEach((person, i) => {
    for (const path of person.photos) {
      const f = face(path);
      if (!f) continue;
      descriptors.push(f);
      owners.push(i);
      where.push(path.slice(root.length + 1));
    }
  });
  o.log(`comparing every pair of ${descriptors.length} faces of ${persons.length} people`);
  const every = allPairs(descriptors, owners);
  return {
    protocol: 'pairs',
    ...photosLine(d, o),
    verification,
    all_pairs: {
      people: persons.length,
      faces: descriptors.length,
      ...tailReport(every),
      nearest_impostor_pairs: every.nearestImpostors
        .slice(0, 10)
        .map((n) => ({ a: where[n.a], b: where[n.b], distance: Number(n.distance.toFixed(4)) })),
    },
    compare_ms: Math.round(performance.now() - started),
  };
}

/** A data set's photos: its `images/` folder when it has one (lfw-dev), else the folder itself. */
async function imagesRoot(dir: string): Promise<string> {
  const images = join(dir, 'images');
  return (await stat(images).catch(() => undefined))?.isDirectory() ? images : dir;
}

/**
 * `evaluate --protocol open-set DIR`: one folder per person; for each gallery size, several
 * draws of enrolled people (one photo each), probed with their other photos and with everyone
 * else's, decided by `policy` and the simulated second factor (open-set-protocol.ts).
 */
export async function openSetCommand(
  dir: string,
  o: MeasureOptions & {
    sizes: (number | 'all')[];
    draws: number;
    seed: number;
    policy: DecisionPolicy;
    /**
     * Every distance multiplied by this (descriptors scaled): a population whose faces crowd
     * together, e.g. one where 40% of impostor pairs fall under 0.59 (docs/face.md).
     */
    distanceScale?: number;
  },
) {
  const persons = await personFolders(await imagesRoot(dir));
  const d = await describeAll(
    persons.flatMap((p) => p.photos),
    o,
  );
  const scale = o.distanceScale ?? 1;
  const people: OpenSetPerson[] = persons.map((p) => ({
    id: p.id,
    faces: p.photos.flatMap((path) => {
      const face = subjectFace(d.photos.get(path));
      return face ? [scale === 1 ? face : face.map((v) => v * scale)] : [];
    }),
  }));
  const started = performance.now();
  const rows = openSet(people, o);
  return {
    protocol: 'open-set',
    ...photosLine(d, o),
    people: people.filter((p) => p.faces.length > 0).length,
    people_enrollable: people.filter((p) => p.faces.length >= 2).length,
    seed: o.seed,
    ...(scale === 1 ? {} : { distance_scale: scale }),
    policy: {
      ...o.policy,
      maxGalleryForFaceAlone: Number.isFinite(o.policy.maxGalleryForFaceAlone)
        ? o.policy.maxGalleryForFaceAlone
        : null,
    },
    rows,
    compare_ms: Math.round(performance.now() - started),
  };
}

/**
 * `calibrate DIR --target-fpir F --gallery-size N [--out FILE]`: the decision policy for the
 * population in DIR (one folder per person: a hospital's consented enrolment photos), with the
 * figures behind it (calibrate-policy.ts); written to FILE as JSON when asked.
 */
export async function calibrateCommand(
  dir: string,
  o: MeasureOptions & { targetFpir: number; gallerySize: number; out?: string; now: () => Date },
) {
  const persons = await personFolders(await imagesRoot(dir));
  const d = await describeAll(
    persons.flatMap((p) => p.photos),
    o,
  );
  const descriptors: Float32Array[] = [];
  const owners: number[] = [];
  persons.forEach((person, i) => {
    for (const path of person.photos) {
      const f = subjectFace(d.photos.get(path));
      if (!f) continue;
      descriptors.push(f);
      owners.push(i);
    }
  });
  const calibration = calibratePolicy(allPairs(descriptors, owners), {
    targetFpir: o.targetFpir,
    gallerySize: o.gallerySize,
    now: o.now,
    population: {
      people: new Set(owners).size,
      photos: d.photos.size,
      noFace: d.no_face,
    },
    photoLook: o.photoLook,
    modelVersion: d.version,
  });
  if (o.out) {
    await writeFile(o.out, `${JSON.stringify(calibration, null, 2)}\n`);
    o.log(`policy written to ${o.out}`);
  }
  return { ...calibration, ...(o.out ? { written_to: o.out } : {}) };
}
