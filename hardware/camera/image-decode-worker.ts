/**
 * Decodes untrusted image bytes on a worker thread, for image-decoder.ts: a crafted frame can
 * keep this thread busy, never the host's event loop, and the pool ends this thread when its
 * time is up. Pixels leave only as the reply to the frame that carried them; nothing is logged.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImage, ImageError } from './image.ts';
import type { DecodeReply, DecodeRequest } from './image-decode-protocol.ts';

const port = parentPort;
if (!port) throw new Error('image-decode-worker.ts runs only as a worker thread');

port.on('message', (request: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const frame = decodeImage(request.bytes, request.limits);
    reply = {
      kind: 'frame',
      id: request.id,
      width: frame.width,
      height: frame.height,
      data: frame.data,
    };
  } catch (error) {
    reply =
      error instanceof ImageError
        ? { kind: 'error', id: request.id, code: error.code, message: error.message }
        : {
            kind: 'error',
            id: request.id,
            code: 'corrupt',
            message: 'the image could not be decoded',
          };
  }
  // The pixels move rather than being copied; decodeImage made them in an ArrayBuffer of their own.
  port.postMessage(reply, reply.kind === 'frame' ? [reply.data.buffer as ArrayBuffer] : []);
});
port.postMessage({ kind: 'ready' } satisfies DecodeReply);
