/**
 * Messages between the face engine pool and its worker threads. Frames go in as copies (the
 * camera may reuse its buffer); results come back structured-cloned.
 */
import type { DetectOptions, FaceNets, FaceObservation, TrackedFace } from './face-engine.ts';
import type { Frame } from '../hardware/camera/image.ts';

export interface WorkerStart {
  modelDir?: string;
  preferNative?: boolean;
  /** 'track': a worker that only tracks, holding the tiny nets alone (face-engine.ts). */
  nets?: FaceNets;
}

export type WorkerRequest =
  | { id: number; op: 'detectAll'; frame: Frame; options: DetectOptions }
  | { id: number; op: 'track'; frame: Frame }
  | { id: number; op: 'passive'; frame: Frame; box: FaceObservation['box'] };

/** What every result says of the worker that made it, as of after its frame. */
export interface WorkerStats {
  tensors: number;
  /** Its WASM heap: the engine's native memory, grown to its largest pass. */
  heapBytes: number;
  /** Its V8 heap (total_heap_size), which the parent cannot read on Node 20. */
  jsHeapBytes: number;
}

export type WorkerReply =
  | { kind: 'ready'; backend: string; loadMs: number; nets: string[] }
  | ({ kind: 'result'; id: number; op: 'detectAll'; faces: FaceObservation[] } & WorkerStats)
  | ({ kind: 'result'; id: number; op: 'track'; faces: TrackedFace[] } & WorkerStats)
  | ({ kind: 'result'; id: number; op: 'passive'; score: number } & WorkerStats)
  | { kind: 'error'; id: number; name: string; message: string; code?: string };
