/**
 * Starting one face worker: its entry (the build's bundle or the source, hardware/camera/
 * worker-entry.ts), its bounded young generation, and its first message, `ready`, within a time
 * limit. The pool (face-engine-pool.ts) starts, replaces and recycles workers through this.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../hardware/camera/worker-entry.ts';
import type { WorkerReply, WorkerStart } from './face-worker-protocol.ts';

/** 'all': every net, takes any frame; 'track': the tracking nets only, takes tracking frames. */
export type WorkerNets = 'all' | 'track';

/**
 * A worker's young generation (V8's nursery, where each frame's short-lived objects are born).
 * V8 grows it up to 48 MB under the steady allocation of frame after frame and does not give it
 * back; bounded here, collections are more frequent but each is small. Measured with the whole
 * kiosk: 50 MB less resident memory after 50 payments, payment time within the run-to-run noise
 * (docs/performance.md).
 */
export const WORKER_YOUNG_GENERATION_MB = 6;

export class FaceEngineError extends Error {
  override readonly name = 'FaceEngineError';
  constructor(
    readonly code: 'engine-failed' | 'engine-stopped',
    message: string,
  ) {
    super(message);
  }
}

export type Spawned = {
  worker: Worker;
  backend: string;
  loadMs: number;
  nets: WorkerNets;
  loaded: string[];
};

export function spawnFaceWorker(
  start: WorkerStart & { nets: WorkerNets },
  timeoutMs: number,
): Promise<Spawned> {
  const entry = workerEntry(import.meta.url, 'face-worker');
  const worker = new Worker(entry.script, {
    workerData: start,
    eval: entry.eval,
    ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    // Only our own listeners come off: Worker keeps internal ones (removeAllListeners would
    // stop its messages from ever arriving).
    const detach = () => {
      clearTimeout(timer);
      worker.off('error', fail);
      worker.off('exit', exited);
      worker.off('message', ready);
    };
    const fail = (error: Error) => {
      detach();
      void worker.terminate();
      reject(new FaceEngineError('engine-failed', `face worker did not start: ${error.message}`));
    };
    const exited = (code: number) => fail(new Error(`exit ${code}`));
    const ready = (reply: WorkerReply) => {
      if (reply.kind !== 'ready') return fail(new Error('unexpected first message'));
      detach();
      resolve({
        worker,
        backend: reply.backend,
        loadMs: reply.loadMs,
        nets: start.nets,
        loaded: reply.nets,
      });
    };
    const timer = setTimeout(() => fail(new Error('timed out')), timeoutMs);
    worker.on('error', fail);
    worker.on('exit', exited);
    worker.on('message', ready);
  });
}
