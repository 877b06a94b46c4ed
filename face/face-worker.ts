/**
 * One face engine in a worker thread. The pool (face-engine-pool.ts) starts one per core, so the
 * networks run off the kiosk host's event loop (IPC, the gateway and the printer stay
 * responsive while a frame is analysed) and two frames can be analysed at once.
 *
 * Frames arrive as plain copies and leave this thread only as results: nothing is written
 * anywhere, and no face data is logged.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { FaceEngine } from './face-engine.ts';
import type {
  WorkerReply,
  WorkerRequest,
  WorkerStart,
  WorkerStats,
} from './face-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('face-worker.ts runs only as a worker thread');

const start = workerData as WorkerStart;
// No top-level await: the Electron build bundles this file as CommonJS.
void FaceEngine.load({
  ...(start.modelDir ? { modelDir: start.modelDir } : {}),
  ...(start.preferNative === undefined ? {} : { preferNative: start.preferNative }),
  ...(start.nets ? { nets: start.nets } : {}),
}).then((engine) => {
  port.on('message', (request: WorkerRequest) => {
    void handle(engine, request).then((reply) => port.postMessage(reply));
  });
  port.postMessage({
    kind: 'ready',
    backend: engine.backend,
    loadMs: engine.loadMs,
    nets: engine.loadedNets(),
  } satisfies WorkerReply);
});

function stats(engine: FaceEngine): WorkerStats {
  return {
    tensors: engine.tensorCount(),
    heapBytes: engine.wasmHeapBytes(),
    jsHeapBytes: getHeapStatistics().total_heap_size,
  };
}

async function handle(engine: FaceEngine, request: WorkerRequest): Promise<WorkerReply> {
  try {
    switch (request.op) {
      case 'detectAll':
        return {
          kind: 'result',
          id: request.id,
          op: 'detectAll',
          faces: await engine.detectAll(request.frame, request.options),
          ...stats(engine),
        };
      case 'track':
        return {
          kind: 'result',
          id: request.id,
          op: 'track',
          faces: await engine.track(request.frame),
          ...stats(engine),
        };
      case 'passive':
        return {
          kind: 'result',
          id: request.id,
          op: 'passive',
          score: await engine.passiveLiveness(request.frame, request.box),
          ...stats(engine),
        };
    }
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    return {
      kind: 'error',
      id: request.id,
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(error),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
    };
  }
}
