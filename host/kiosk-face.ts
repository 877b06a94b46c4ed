/**
 * The kiosk host's face side: the engine on worker threads, the gallery of who may pay by face
 * (synced from the gateway), and the identifier the session asks, which also makes the preview
 * frames of a camera the renderer cannot see.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { KioskConfig } from '../core/config.ts';
import type { CameraFrame } from '../core/kiosk-api.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from '../gateway/client.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { RendererCamera } from '../hardware/camera/renderer-camera.ts';
import type { KioskDevices } from '../hardware/device-factory.ts';
import { FaceEnginePool } from '../face/face-engine-pool.ts';
import { FaceIdentifier } from '../face/face-identifier.ts';
import type { KeySource } from '../face/gallery-store.ts';
import { facePolicyOf } from './config-file.ts';
import { FaceGallerySync } from '../face/gallery-sync.ts';
import { ClearPhotoSource, type PhotoSource, SealedPhotoStore } from '../face/photo-store.ts';

/**
 * Face workers when the configuration does not say: one on a machine of two cores or fewer,
 * else two (the full one and a tracker; the identifier never has more than one tracking frame
 * out, so a third would sit idle). On two cores the host's own thread (preview, gateway,
 * screen) needs the other core: measured on the kiosk's 2-core machine, one worker paid by
 * face as fast as two (439-475 against 487 ms median) at about 120 MB less
 * (docs/performance.md).
 */
export function defaultFaceWorkers(cores: number): number {
  return cores <= 2 ? 1 : 2;
}

/** The face engine and the gallery of who may pay by face. */
export async function startFace(
  config: KioskConfig,
  o: { dataDir: string; log: LogFn; client: GatewayClient; keys: KeySource; fixturesDir: string },
): Promise<{ engine: FaceEnginePool; gallery: FaceGallerySync }> {
  const { client, keys, log } = o;
  // The nets run on worker threads: the host's event loop (IPC, the gateway, the printer)
  // never waits for a frame to be analysed. Decisive frames come one at a time, so one worker
  // holds every net and a second, where there is a core for it, tracks and scores passive
  // liveness (the small nets alone); enrolment runs on the one.
  const size = config.face.workers ?? defaultFaceWorkers(availableParallelism());
  const { idleMs, aboveMb } = config.face.recycle;
  const engine = await FaceEnginePool.start({
    size,
    trackers: size - 1,
    idleRecycle: {
      idleMs,
      maxHeapBytes: aboveMb * 2 ** 20,
      onRecycled: ({ replaced, heapBytesBefore }) =>
        log('face.workers-recycled', {
          replaced,
          heapMbBefore: heapBytesBefore.map((b) => Math.round(b / 2 ** 20)).join(' '),
        }),
    },
  });
  log('face.engine.loaded', {
    backend: engine.backend,
    workers: engine.size,
    ms: Math.round(engine.loadMs),
  });
  // Who may pay by face: the gateway's K501 gallery, enrolled and kept encrypted on disk, so
  // a start while the gateway is down still knows everyone from the last sync.
  const gallery = new FaceGallerySync({
    fetch: async (sinceVersion) =>
      (await client.call('K501', { data: { since_version: sinceVersion } })).gallery,
    // The directory of ID numbers is sealed like the journal's personal fields.
    sealer: (key) => new AesGcmFieldSealer(key),
    engine,
    dataDir: o.dataDir,
    keys,
    photos: await photoSource(config, o, keys),
    log,
  });
  await gallery.start();
  return { engine, gallery };
}

/**
 * K501 names each person's enrolment photos. A simulator kiosk reads its folder as it is (the
 * fixture photos). A production kiosk treats its folder as an inbox: each photo is sealed into
 * DATA/face-photos under the gallery's key and the clear file deleted (face/photo-store.ts), so
 * its disk never keeps an enrolment photo in clear.
 */
async function photoSource(
  config: KioskConfig,
  o: { dataDir: string; fixturesDir: string; log: LogFn },
  keys: KeySource,
): Promise<PhotoSource> {
  if (config.mode !== 'production')
    return new ClearPhotoSource(config.face.imagesDir ?? o.fixturesDir);
  return new SealedPhotoStore({
    inbox: config.face.imagesDir ?? join(o.dataDir, 'face-images'),
    dir: join(o.dataDir, 'face-photos'),
    sealer: new AesGcmFieldSealer(await keys.getKey()),
    log: o.log,
  });
}

/** What the session asks to find or verify a face, from the camera and the gallery. */
export function buildIdentifier(
  config: KioskConfig,
  camera: KioskDevices['camera'],
  engine: FaceEnginePool,
  gallery: FaceGallerySync,
  publishPreview: (frame: CameraFrame) => void,
  log: LogFn,
): FaceIdentifier {
  const facePolicy = facePolicyOf(config);
  // Which numbers decide who pays by face, and whether they were measured on this hospital's
  // patients: staff and the vendor read it here first when a face is refused or accepted.
  log('face.policy', {
    source: facePolicy.source,
    calibrated: facePolicy.calibratedOn !== undefined,
    acceptThreshold: facePolicy.policy.acceptThreshold,
    secondFactorThreshold: facePolicy.policy.secondFactorThreshold,
    maxGalleryForFaceAlone: String(facePolicy.policy.maxGalleryForFaceAlone),
    ...(facePolicy.calibratedOn ? { calibratedOnDate: facePolicy.calibratedOn.date } : {}),
  });
  return new FaceIdentifier({
    camera,
    engine,
    gallery,
    policy: facePolicy.policy,
    idNumberOf: (personId) => gallery.idNumberOf(personId),
    personIdOf: (idNumber) => gallery.personIdOf(idNumber),
    liveness: config.face.liveness,
    passiveThreshold: config.face.passiveThreshold,
    // The tracker runs beside the decisive frame only when there is a second worker for it.
    trackBetween: engine.size >= 2,
    detector: config.face.detector,
    ssdInputSize: config.face.ssdInputSize,
    timeoutMs: config.face.timeoutMs,
    // The renderer shows its own camera; previews (a JPEG per frame) are made only for a
    // camera it cannot see.
    ...(camera instanceof RendererCamera
      ? {}
      : {
          onPreview: (jpeg: Uint8Array, width: number, height: number) =>
            publishPreview({
              dataUrl: `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`,
              width,
              height,
            }),
        }),
  });
}
