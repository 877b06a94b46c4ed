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

export type WorkerReply =
  | { kind: 'ready'; backend: string; loadMs: number; nets: string[] }
  | {
      kind: 'result';
      id: number;
      op: 'detectAll';
      faces: FaceObservation[];
      tensors: number;
      heapBytes: number;
    }
  | {
      kind: 'result';
      id: number;
      op: 'track';
      faces: TrackedFace[];
      tensors: number;
      heapBytes: number;
    }
  | { kind: 'result'; id: number; op: 'passive'; score: number; tensors: number; heapBytes: number }
  | { kind: 'error'; id: number; name: string; message: string; code?: string };
