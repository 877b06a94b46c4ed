/**
 * The measuring commands of the face CLI (describe, evaluate --protocol pairs | open-set,
 * calibrate): photos become descriptors through the descriptor cache, so only the first run over
 * a set pays for the nets; the protocols themselves are pure (pairs-protocol.ts,
 * open-set-protocol.ts, calibrate-policy.ts).
 */
import { stat } from 'node:fs/promises';
import {
  type CachedPhoto,
  DescriptorCache,
  describePhotos,
  imagesUnder,
  modelVersion,
} from './descriptor-cache.ts';
import { defaultModelDir } from './face-engine.ts';
import { FaceEnginePool } from './face-engine-pool.ts';
import { parsePhotoLook } from './photo-look.ts';

export interface MeasureOptions {
  cacheDir: string;
  /** Worker threads for the photos not yet cached (default one per core). */
  workers?: number;
  /** --photo-look (photo-look.ts). */
  photoLook: string;
  log: (line: string) => void;
}

export interface Described {
  photos: Map<string, CachedPhoto>;
  version: string;
  cacheFile: string;
  cached: number;
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
  return {
    photos: paths.length,
    cached: d.cached,
    computed: d.computed,
    no_face: d.no_face,
    ...(d.ms_per_photo === undefined ? {} : { ms_per_photo: d.ms_per_photo, workers: d.workers }),
    photo_look: o.photoLook,
    model_version: d.version,
    cache_file: d.cacheFile,
  };
}
