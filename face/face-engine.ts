/**
 * The face engine: @vladmandic/face-api (SSD MobileNet v1 detector, 68 landmarks, 128-d
 * descriptor) on TensorFlow.js in the kiosk host. tfjs-node is used where its native library
 * installed; otherwise the WASM backend, whose .wasm files ship in the npm package. Weights load
 * from models/ (copied from the npm package at install), never from the network.
 *
 * Tight crops (a face filling the whole image) defeat the detector, so a frame with no face is
 * retried padded with a neutral border; boxes and landmarks are mapped back to the frame.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as FaceApi from '@vladmandic/face-api';
import { checkFrame, type Frame, pad } from '../hardware/camera/image.ts';
import { packageRoot } from '../hardware/camera/worker-entry.ts';
import { PassiveNets, type PassiveRuntime } from './passive-nets.ts';
import { installSsdInputSize, SSD_TRAINED_SIZE } from './ssd-input-size.ts';
import { preferLeanTfjs } from './tfjs-lean.ts';
import type { Point } from './landmarks.ts';

export type { Point };

export interface FaceObservation {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: Point[];
  descriptor: Float32Array;
}

/** A face followed between decisive frames: where it is and its landmarks, no descriptor. */
export interface TrackedFace {
  box: FaceObservation['box'];
  landmarks: Point[];
}

/**
 * The folder with the kiosk's package.json: the nearest above this module. From source that is
 * one level up; in the Electron build this code runs from dist/electron/*.cjs (two levels), and
 * the models, the demo faces and the rest are beside package.json in both.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = packageRoot(here) ?? resolve(here, '..');
export const defaultModelDir = join(projectRoot, 'models');

const require = createRequire(import.meta.url);

type FaceApiModule = typeof FaceApi;

/** The part of the tfjs runtime we use; face-api's bundled typings leave these off `api.tf`. */
interface TfRuntime extends PassiveRuntime {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  memory(): { numTensors: number };
  /** The WASM backend's module: its heap is the engine's native memory. */
  backend(): { wasm?: { HEAPU8?: Uint8Array } };
}
const runtime = (api: FaceApiModule) => api.tf as unknown as TfRuntime;

/**
 * Detection attempts in order, as [pad ratio, min confidence]. A small image is most likely a
 * tight crop, and its descriptor is better when the detector saw it with context around it, so
 * it is padded first; a camera frame is tried as is first.
 */
const cropAttempts: [number, number][] = [
  [0.5, 0.5],
  [1, 0.4],
  [0.25, 0.3],
  [0, 0.3],
];
const frameAttempts: [number, number][] = [
  [0, 0.5],
  [0.5, 0.4],
];
const CROP_MAX_SIDE = 400;
/** One detection attempt: pad ratio, min confidence, detector and its input size. */
type Attempt = [number, number, number, 'ssd' | 'tiny'];

/**
 * Which detector finds the face on the decisive frame: 'ssd' (SSD MobileNet v1, the default and
 * the most thorough) or 'fast' (the tiny detector, SSD only when it finds nothing).
 */
export type FaceDetector = 'ssd' | 'fast';

export interface DetectOptions {
  detector?: FaceDetector;
  /** SSD's input size for a camera frame: a multiple of 32 up to 512 (ssd-input-size.ts). */
  ssdInputSize?: number;
  /** With a smaller ssdInputSize: look again at 512 when it finds nobody (default true). */
  ssdFallback?: boolean;
  /**
   * A photo (a small image: an evaluation set's 250 px crops) is looked at this way first, and
   * with the standard 512 px sequence only when this finds nobody. For measuring at scale,
   * where SSD at 512 on every photo costs too long; the choice is part of the descriptor
   * cache's key (descriptor-cache.ts), and docs/face.md shows what it changes. Absent: the
   * standard sequence only (enrolment photos).
   */
  photoFirstLook?: PhotoLook;
}

/** A detector, its input size (a multiple of 32) and the grey border added around the photo. */
export interface PhotoLook {
  detector: 'ssd' | 'tiny';
  inputSize: number;
  pad: number;
}

/**
 * Which nets an engine loads. 'all': everything a decisive frame, enrolment and the challenge
 * need. 'track': only the tiny detector and its landmarks (what `track` runs), for a worker that
 * follows the face and scores passive liveness: it holds no SSD, 68-point or recognition
 * weights, and its WASM memory grows only to a tracking pass's size (docs/performance.md). The
 * small passive liveness nets are loaded on the first `passiveLiveness` call in either case: a
 * kiosk without the liveness challenge never holds them.
 */
export type FaceNets = 'all' | 'track';

/** The error of a call whose nets this engine does not hold (a tracking-only engine). */
export class FaceNetsError extends Error {
  override readonly name = 'FaceNetsError';
  readonly code = 'nets-not-loaded';
}

export class FaceEngine {
  private passive?: Promise<PassiveNets>;
  private constructor(
    private readonly api: FaceApiModule,
    private readonly dir: string,
    readonly nets: FaceNets,
    readonly backend: string,
    readonly loadMs: number,
  ) {}

  static async load(
    options: { modelDir?: string; preferNative?: boolean; nets?: FaceNets } = {},
  ): Promise<FaceEngine> {
    const started = performance.now();
    let api: FaceApiModule | undefined;
    if (options.preferNative !== false) {
      try {
        require('@tensorflow/tfjs-node');
        api = require('@vladmandic/face-api/dist/face-api.node.js') as FaceApiModule;
      } catch {
        api = undefined; // native TensorFlow is optional: fall back to WASM below
      }
    }
    if (!api) {
      preferLeanTfjs(require);
      api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(path: string): void };
      wasm.setWasmPaths(
        join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/',
      );
      await runtime(api).setBackend('wasm');
    }
    await runtime(api).ready();
    const dir = options.modelDir ?? defaultModelDir;
    const nets = options.nets ?? 'all';
    if (nets === 'all') {
      await api.nets.ssdMobilenetv1.loadFromDisk(dir);
      await api.nets.faceLandmark68Net.loadFromDisk(dir);
      await api.nets.faceRecognitionNet.loadFromDisk(dir);
    }
    await api.nets.tinyFaceDetector.loadFromDisk(dir);
    await api.nets.faceLandmark68TinyNet.loadFromDisk(dir);
    installSsdInputSize(api);
    return new FaceEngine(api, dir, nets, runtime(api).getBackend(), performance.now() - started);
  }

  /** The nets loaded so far, by file name in models/ (for tests and the pool's report). */
  loadedNets(): string[] {
    const { nets } = this.api;
    return [
      ...(nets.ssdMobilenetv1.isLoaded ? ['ssd_mobilenetv1'] : []),
      ...(nets.faceLandmark68Net.isLoaded ? ['face_landmark_68'] : []),
      ...(nets.faceRecognitionNet.isLoaded ? ['face_recognition'] : []),
      ...(nets.tinyFaceDetector.isLoaded ? ['tiny_face_detector'] : []),
      ...(nets.faceLandmark68TinyNet.isLoaded ? ['face_landmark_68_tiny'] : []),
      ...(this.passive ? PassiveNets.names : []),
    ];
  }

  /** The passive liveness nets, read on first use and kept (each a few hundred KB). */
  private passiveNets(): Promise<PassiveNets> {
    this.passive ??= PassiveNets.load(runtime(this.api), this.dir);
    // A failed read is not kept: the next call tries again.
    this.passive.catch(() => (this.passive = undefined));
    return this.passive;
  }

  private needAll(what: string): void {
    if (this.nets !== 'all')
      throw new FaceNetsError(`${what} needs every net; this engine loaded only the tracking nets`);
  }

  /** Passive liveness of the face in box, 0 (a spoof) to 1 (live): passive-nets.ts. */
  async passiveLiveness(frame: Frame, box: FaceObservation['box']): Promise<number> {
    checkFrame(frame);
    return (await this.passiveNets()).score(frame, box);
  }

  /** Live tensors; stable across frames when nothing leaks. */
  tensorCount(): number {
    return runtime(this.api).memory().numTensors;
  }

  /**
   * The WASM heap's size: it grows to the engine's largest pass and never shrinks (WebAssembly
   * memory cannot), so it is most of what a worker holds. 0 on a native backend.
   */
  wasmHeapBytes(): number {
    return runtime(this.api).backend().wasm?.HEAPU8?.byteLength ?? 0;
  }

  /**
   * Every face in the frame, largest first, each with landmarks and descriptor. A camera frame
   * runs SSD at `ssdInputSize` (default 512, as trained; ssd-input-size.ts); a small image (a
   * photo, a tight crop) always at 512.
   */
  async detectAll(frame: Frame, options: DetectOptions = {}): Promise<FaceObservation[]> {
    checkFrame(frame);
    this.needAll('detectAll');
    if (options.detector === 'fast' && Math.max(frame.width, frame.height) > CROP_MAX_SIDE) {
      // The tiny detector finds the face in a camera frame in a fraction of SSD's time; the
      // landmarks and descriptor that decide are the same nets either way. SSD stays the
      // fallback, so a face the tiny detector misses is still found.
      const found = await this.run(frame, 0.4, { detector: 'tiny', inputSize: 416 });
      if (found.length > 0)
        return found.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    }
    const isCrop = Math.max(frame.width, frame.height) <= CROP_MAX_SIDE;
    const small = isCrop ? SSD_TRAINED_SIZE : (options.ssdInputSize ?? SSD_TRAINED_SIZE);
    // A smaller SSD input is fast but has blind spots at some face sizes: a frame where it
    // finds nobody is looked at again at 512 before the padded retry.
    const full = (isCrop ? cropAttempts : frameAttempts).map(([ratio, confidence]): Attempt => [
      ratio,
      confidence,
      SSD_TRAINED_SIZE,
      'ssd',
    ]);
    const look = isCrop ? options.photoFirstLook : undefined;
    const attempts: Attempt[] = look
      ? [[look.pad, look.detector === 'tiny' ? 0.4 : 0.5, look.inputSize, look.detector], ...full]
      : small === SSD_TRAINED_SIZE
        ? full
        : [[0, 0.5, small, 'ssd'], ...(options.ssdFallback === false ? [] : full)];
    for (const [ratio, minConfidence, inputSize, detector] of attempts) {
      const input = ratio === 0 ? frame : pad(frame, ratio);
      const found = await this.run(input, minConfidence, { detector, inputSize });
      if (found.length > 0) {
        const dx = Math.round(frame.width * ratio);
        const dy = Math.round(frame.height * ratio);
        return found
          .map((f) => ({
            ...f,
            box: { ...f.box, x: f.box.x - dx, y: f.box.y - dy },
            landmarks: f.landmarks.map((p) => ({ x: p.x - dx, y: p.y - dy })),
          }))
          .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
      }
    }
    return [];
  }

  /**
   * Fast tracking between decisive frames: the tiny detector and tiny landmarks, no descriptor.
   * Enough to tell the patient where to stand and to follow the face; never enough to pay.
   */
  async track(frame: Frame): Promise<TrackedFace[]> {
    checkFrame(frame);
    const { api } = this;
    const tensor = api.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
    try {
      const results = await api
        .detectAllFaces(
          tensor as unknown as FaceApi.TNetInput,
          new api.TinyFaceDetectorOptions({ inputSize: 320, scoreThreshold: 0.4 }),
        )
        .withFaceLandmarks(true);
      return results.map((r) => ({
        box: {
          x: r.detection.box.x,
          y: r.detection.box.y,
          width: r.detection.box.width,
          height: r.detection.box.height,
        },
        landmarks: r.landmarks.positions.map((p) => ({ x: p.x, y: p.y })),
      }));
    } finally {
      tensor.dispose();
    }
  }

  /**
   * The library's own call on a frame, with nothing of ours around it (no padding retries, no
   * mapping): the baseline the benchmark compares detectAll ('ssd') and track ('tiny') against.
   */
  async rawLibraryCall(frame: Frame, which: 'ssd' | 'tiny' = 'ssd'): Promise<number> {
    if (which === 'ssd') this.needAll('the SSD library call');
    const { api } = this;
    const tensor = api.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
    const input = tensor as unknown as FaceApi.TNetInput;
    try {
      const results =
        which === 'tiny'
          ? await api
              .detectAllFaces(
                input,
                new api.TinyFaceDetectorOptions({ inputSize: 320, scoreThreshold: 0.4 }),
              )
              .withFaceLandmarks(true)
          : await api
              .detectAllFaces(
                input,
                new api.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 10 }),
              )
              .withFaceLandmarks()
              .withFaceDescriptors();
      return results.length;
    } finally {
      tensor.dispose();
    }
  }

  private async run(
    frame: Frame,
    minConfidence: number,
    how: { detector: 'tiny' | 'ssd'; inputSize: number },
  ): Promise<FaceObservation[]> {
    const { api } = this;
    const tensor = api.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
    try {
      const results = await api
        .detectAllFaces(
          tensor as unknown as FaceApi.TNetInput,
          how.detector === 'tiny'
            ? new api.TinyFaceDetectorOptions({
                inputSize: how.inputSize,
                scoreThreshold: minConfidence,
              })
            : Object.assign(new api.SsdMobilenetv1Options({ minConfidence, maxResults: 10 }), {
                inputSize: how.inputSize,
              }),
        )
        .withFaceLandmarks()
        .withFaceDescriptors();
      return results.map((r) => ({
        box: {
          x: r.detection.box.x,
          y: r.detection.box.y,
          width: r.detection.box.width,
          height: r.detection.box.height,
        },
        score: r.detection.score,
        landmarks: r.landmarks.positions.map((p) => ({ x: p.x, y: p.y })),
        descriptor: r.descriptor,
      }));
    } finally {
      tensor.dispose();
    }
  }
}
