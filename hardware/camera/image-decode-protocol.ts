/** Messages between the image decoder (image-decoder.ts) and its worker threads. */
import type { ImageError, ImageLimits } from './image.ts';

export interface DecodeRequest {
  id: number;
  /** A copy the worker owns (transferred, not cloned). */
  bytes: Uint8Array;
  limits: ImageLimits;
}

export type DecodeReply =
  | { kind: 'ready' }
  | { kind: 'frame'; id: number; width: number; height: number; data: Uint8Array }
  | { kind: 'error'; id: number; code: ImageError['code']; message: string };
