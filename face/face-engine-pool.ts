/**
 * The face engine on worker threads, one per core (two on the kiosk's 2-core machine).
 *
 * Why: TensorFlow's WASM backend cannot use threads under Node, so one engine keeps one core
 * busy and, worse, blocks the kiosk host's event loop for a whole SSD pass (~0.4 s). On workers
 * the host stays responsive, and frames in flight are analysed side by side: tracking and the
 * liveness challenge, which need many frames a second, get both cores.
 *
 * The pool has the engine's own methods, so the identifier, enrollment and the CLI take either.
 * A worker that dies is replaced; the frame it was analysing fails with a typed error.
 *
 * Memory: each worker holds its own nets and its own WASM memory, which grows to its largest
 * pass and never shrinks (~200 MB after a decisive frame). `trackers` workers load only the
 * tracking nets (tiny detector and landmarks, and the small passive liveness nets on first use):
 * they take tracking frames and passive scores and stay at a tracking pass's size, while every
 * detectAll (decisive frames, the challenge's frames, enrolment) goes to the others. Since only a
 * new worker gives that memory back, `recycle` replaces the workers that have grown past a mark,
 * for a kiosk with nobody at it (host/face-recycling.ts).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { DetectOptions, FaceObservation, TrackedFace } from './face-engine.ts';
import type { WorkerReply, WorkerRequest, WorkerStart } from './face-worker-protocol.ts';
import {
  FaceEngineError,
  type Spawned,
  spawnFaceWorker,
  type WorkerNets,
} from './face-worker-spawn.ts';
import { checkFrame, type Frame, ImageError } from '../hardware/camera/image.ts';

export { FaceEngineError, WORKER_YOUNG_GENERATION_MB } from './face-worker-spawn.ts';

export interface FaceEnginePoolOptions extends WorkerStart {
  /** Worker threads; default one per core, at most 4 (each holds its own copy of the nets). */
  size?: number;
  /**
   * How many of them only track (tiny nets alone; fewer MB each), default none. At least one
   * worker always holds every net.
   */
  trackers?: number;
  /** How long a worker may take to load the nets. */
  startTimeoutMs?: number;
  /**
   * Give memory back when nobody is at the camera: after `idleMs` with no frame, the workers
   * whose WASM heap passed `maxHeapBytes` are replaced (recycle). `onRecycled` hears of it.
   */
  idleRecycle?: {
    idleMs: number;
    maxHeapBytes: number;
    onRecycled?: (event: { replaced: number; heapBytesBefore: number[] }) => void;
  };
}

type Job = {
  request: DistributiveOmit<WorkerRequest, 'id'>;
  resolve: (reply: Extract<WorkerReply, { kind: 'result' }>) => void;
  reject: (error: Error) => void;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Slot {
  worker: Worker;
  /** 'track': takes only tracking frames. */
  nets: WorkerNets;
  /** The nets it reported loaded when ready. */
  loaded: string[];
  job?: Job & { id: number };
  tensors: number;
  /** Its WASM heap, as it last reported it. */
  heapBytes: number;
  /** Its V8 heap, as it last reported it. */
  jsHeapBytes: number;
  /** Replaced: takes no new frame, and stops once the one it has is answered. */
  retiring?: boolean;
  /** A replacement is loading. */
  replacing?: boolean;
}

export class FaceEnginePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private constructor(
    private readonly start: WorkerStart,
    readonly backend: string,
    readonly loadMs: number,
    private readonly idleRecycle: FaceEnginePoolOptions['idleRecycle'],
  ) {}

  static async start(options: FaceEnginePoolOptions = {}): Promise<FaceEnginePool> {
    const started = performance.now();
    const size = Math.max(1, Math.min(options.size ?? availableParallelism(), 4));
    const trackers = Math.max(0, Math.min(options.trackers ?? 0, size - 1));
    const start: WorkerStart = {
      ...(options.modelDir ? { modelDir: options.modelDir } : {}),
      ...(options.preferNative === undefined ? {} : { preferNative: options.preferNative }),
    };
    const spawned = await Promise.allSettled(
      Array.from({ length: size }, (_, i) =>
        spawnFaceWorker(
          { ...start, nets: i < size - trackers ? 'all' : 'track' },
          options.startTimeoutMs ?? 120_000,
        ),
      ),
    );
    const failed = spawned.find((s) => s.status === 'rejected');
    if (failed) {
      for (const s of spawned) if (s.status === 'fulfilled') void s.value.worker.terminate();
      throw failed.reason as Error;
    }
    const ready = spawned.map((s) => (s as PromiseFulfilledResult<Spawned>).value);
    const pool = new FaceEnginePool(
      start,
      ready[0]!.backend,
      performance.now() - started,
      options.idleRecycle,
    );
    for (const { worker, nets, loaded } of ready) pool.adopt(worker, nets, loaded);
    return pool;
  }

  /** Worker threads analysing frames. */
  get size(): number {
    return this.slots.length;
  }

  /** The nets each worker had loaded when ready (passive liveness loads on first use). */
  workerNets(): string[][] {
    return this.slots.map((s) => [...s.loaded]);
  }

  /** Every face in the frame, largest first, each with landmarks and descriptor. */
  async detectAll(frame: Frame, options: DetectOptions = {}): Promise<FaceObservation[]> {
    checkFrame(frame);
    const reply = await this.submit({ op: 'detectAll', frame: pixelsOf(frame), options });
    return reply.op === 'detectAll' ? reply.faces : [];
  }

  /** Fast tracking (tiny detector and landmarks, no descriptor). */
  async track(frame: Frame): Promise<TrackedFace[]> {
    checkFrame(frame);
    const reply = await this.submit({ op: 'track', frame: pixelsOf(frame) });
    return reply.op === 'track' ? reply.faces : [];
  }

  /** The passive liveness score of the face in box (0 spoof .. 1 live). */
  async passiveLiveness(frame: Frame, box: FaceObservation['box']): Promise<number> {
    checkFrame(frame);
    const reply = await this.submit({ op: 'passive', frame: pixelsOf(frame), box });
    return reply.op === 'passive' ? reply.score : 0;
  }

  /** Workers analysing a frame right now. */
  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Frames waiting for a free worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Live tensors summed over the workers, as each last reported them. */
  tensorCount(): number {
    return this.slots.reduce((sum, s) => sum + s.tensors, 0);
  }

  /** Each worker's WASM heap, as it last reported it (0 before its first frame). */
  heapBytes(): number[] {
    return this.slots.map((s) => s.heapBytes);
  }

  /**
   * Each worker's memory as it last reported it (0 before its first frame): its WASM heap and
   * its V8 heap, with the nets it holds. For the bench and the monitoring endpoint.
   */
  memory(): { nets: Slot['nets']; wasmBytes: number; jsHeapBytes: number }[] {
    return this.slots.map((s) => ({
      nets: s.nets,
      wasmBytes: s.heapBytes,
      jsHeapBytes: s.jsHeapBytes,
    }));
  }

  /**
   * Replaces each worker whose WASM heap has grown past `maxHeapBytes` with a fresh one holding
   * the same nets, one at a time (the other core stays free for a patient who arrives). The old
   * worker takes frames until its replacement is ready, then answers the one it has and stops,
   * so nobody waits for a reload. Resolves with how many were replaced.
   */
  async recycle(maxHeapBytes: number): Promise<number> {
    let replaced = 0;
    for (const old of this.slots.filter((s) => s.heapBytes > maxHeapBytes)) {
      if (this.closed || old.retiring || old.replacing || !this.slots.includes(old)) continue;
      old.replacing = true;
      try {
        const fresh = await spawnFaceWorker({ ...this.start, nets: old.nets }, 120_000);
        if (this.closed || !this.slots.includes(old)) {
          void fresh.worker.terminate();
          continue;
        }
        this.adopt(fresh.worker, old.nets, fresh.loaded);
        old.retiring = true;
        this.pump();
        replaced++;
        // Idle: stopped now (its memory is back when this resolves); busy: after its frame.
        if (!old.job) await this.dismiss(old);
      } catch {
        // No replacement could start: the old worker carries on as it was.
      } finally {
        old.replacing = false;
      }
    }
    return replaced;
  }

  /** Out of the pool, then stopped (its exit is then not a crash to replace). */
  private dismiss(slot: Slot): Promise<number> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    return slot.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const stopped = new FaceEngineError('engine-stopped', 'the face engine was stopped');
    for (const job of this.queue.splice(0)) job.reject(stopped);
    await Promise.all(
      this.slots.splice(0).map(async (slot) => {
        slot.job?.reject(stopped);
        await slot.worker.terminate();
      }),
    );
  }

  private submit(
    request: DistributiveOmit<WorkerRequest, 'id'>,
  ): Promise<Extract<WorkerReply, { kind: 'result' }>> {
    if (this.closed)
      return Promise.reject(new FaceEngineError('engine-stopped', 'the face engine was stopped'));
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Once the last frame is answered: recycle after `idleMs` unless another frame comes. */
  private armIdleRecycle(): void {
    const idle = this.idleRecycle;
    if (!idle || idle.idleMs <= 0 || this.closed || this.busy > 0 || this.queue.length > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      const heapBytesBefore = this.heapBytes();
      if (!heapBytesBefore.some((bytes) => bytes > idle.maxHeapBytes)) return;
      void this.recycle(idle.maxHeapBytes).then((replaced) => {
        if (replaced > 0) idle.onRecycled?.({ replaced, heapBytesBefore });
      });
    }, idle.idleMs);
    // A kiosk that is stopping does not wait for it.
    this.idleTimer.unref();
  }

  /**
   * Oldest job first, each to a free worker that holds its nets: a tracking frame or a passive
   * score to a tracking worker first (the full ones stay free for a decisive frame), else to any
   * free worker; detectAll to a full worker only. A job no free worker can take waits without
   * holding up the jobs behind it.
   */
  private pump(): void {
    for (let i = 0; i < this.queue.length;) {
      const job = this.queue[i]!;
      const free = this.slots.filter((s) => !s.job && !s.retiring);
      const slot =
        job.request.op !== 'detectAll'
          ? (free.find((s) => s.nets === 'track') ?? free[0])
          : free.find((s) => s.nets === 'all');
      if (!slot) {
        if (free.length === 0) return;
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      const id = this.nextId++;
      slot.job = { ...job, id };
      slot.worker.postMessage({ ...job.request, id } as WorkerRequest);
    }
  }

  private adopt(worker: Worker, nets: Slot['nets'], loaded: string[]): void {
    const slot: Slot = { worker, nets, loaded, tensors: 0, heapBytes: 0, jsHeapBytes: 0 };
    this.slots.push(slot);
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (reply.kind === 'ready' || !job || reply.id !== job.id) return;
      slot.job = undefined;
      if (reply.kind === 'result') {
        slot.tensors = reply.tensors;
        slot.heapBytes = reply.heapBytes;
        slot.jsHeapBytes = reply.jsHeapBytes;
        job.resolve(reply);
      } else {
        job.reject(
          reply.name === 'ImageError'
            ? new ImageError(reply.code as ImageError['code'], reply.message)
            : new FaceEngineError('engine-failed', `${reply.name}: ${reply.message}`),
        );
      }
      if (slot.retiring) void this.dismiss(slot);
      this.pump();
      this.armIdleRecycle();
    });
    // A worker that dies (out of memory, a crash in the WASM runtime) fails only the frame it
    // had; a fresh worker takes its place so the kiosk keeps identifying.
    const replace = (why: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.job?.reject(new FaceEngineError('engine-failed', `face worker stopped: ${why}`));
      // A retiring worker's replacement is already in the pool.
      if (this.closed || slot.retiring) return;
      // The replacement holds the same nets as the worker it replaces.
      void spawnFaceWorker({ ...this.start, nets: slot.nets }, 120_000).then(
        ({ worker: fresh, loaded }) => {
          if (this.closed) void fresh.terminate();
          else {
            this.adopt(fresh, slot.nets, loaded);
            this.pump();
          }
        },
        () => {
          // No replacement: the remaining workers carry on; a job none of them can take fails.
          const full = this.slots.some((s) => s.nets === 'all');
          const stranded = this.queue.filter(
            (job) => this.slots.length === 0 || (!full && job.request.op === 'detectAll'),
          );
          for (const job of stranded) {
            this.queue.splice(this.queue.indexOf(job), 1);
            job.reject(new FaceEngineError('engine-failed', 'no face worker is running'));
          }
        },
      );
      this.pump();
    };
    worker.on('error', (error) => replace(error.name));
    worker.on('exit', (code) => replace(`exit ${code}`));
  }
}

/** Only the pixels cross to the worker (structured clone copies them; the camera may reuse). */
function pixelsOf(frame: Frame): Frame {
  return { width: frame.width, height: frame.height, data: frame.data };
}
