/**
 * Untrusted images (the renderer's camera frames) decoded on worker threads, within a time limit.
 *
 * Why: decoding cost follows what a file declares, and pngjs and jpeg-js are synchronous, so one
 * crafted frame decoded on the host's thread stalls IPC, the gateway and the printer for as long
 * as it takes (a 1x25,000,000 PNG took minutes; the header limits in image-header.ts now refuse
 * that one, but a frame within them can still take a second or more). Here the host's thread only
 * posts bytes and receives pixels. A decode over its time limit ends its worker (terminate() stops
 * even a busy loop) and fails with ImageError 'timeout'; a fresh worker takes its place.
 *
 * Trusted callers (tools, tests, fixture photos) keep the synchronous decodeImage in image.ts.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry.ts';
import type { DecodeReply, DecodeRequest } from './image-decode-protocol.ts';
import { type Frame, ImageError, type ImageLimits } from './image.ts';

export interface ImageDecoderOptions {
  /** Worker threads (default 1: frames arrive a few a second, and faces need the other core). */
  size?: number;
  /** How long one decode may take once a worker has it. */
  timeoutMs?: number;
  /** Frames waiting for a worker beyond this are refused ('busy') rather than queued. */
  maxQueued?: number;
  /** How long a worker may take to start (loading the decoders; longer from source under tsx). */
  startTimeoutMs?: number;
}

/** The default time limit: a renderer frame (640x480) decodes in tens of ms; full HD in ~1 s. */
export const DEFAULT_DECODE_TIMEOUT_MS = 1500;

type Job = {
  bytes: Uint8Array;
  limits: ImageLimits;
  resolve: (frame: Frame) => void;
  reject: (error: ImageError) => void;
};

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job & { id: number; timer: ReturnType<typeof setTimeout> };
  startTimer?: ReturnType<typeof setTimeout>;
}

export class ImageDecoder {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private started = 0;
  private readonly size: number;
  private readonly timeoutMs: number;

  constructor(private readonly o: ImageDecoderOptions = {}) {
    this.size = Math.max(1, Math.min(o.size ?? 1, 4));
    this.timeoutMs = o.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
  }

  /** Workers started so far, replacements included. */
  get workersStarted(): number {
    return this.started;
  }

  /** Workers running now (started, not yet ended). */
  get workers(): number {
    return this.slots.length;
  }

  /**
   * The frame, or an ImageError: the decoder's own (format, size, corrupt) or 'timeout',
   * 'busy', 'decoder-unavailable'. Workers start on first use.
   */
  decode(bytes: Uint8Array, limits: ImageLimits): Promise<Frame> {
    // The byte bound is checked here too, so an oversized buffer is never copied to a worker.
    if (bytes.length > limits.maxBytes)
      return Promise.reject(
        new ImageError('too-large', `image file is ${bytes.length} bytes, over ${limits.maxBytes}`),
      );
    if (this.queue.length >= (this.o.maxQueued ?? 4))
      return Promise.reject(new ImageError('busy', 'too many images are waiting to be decoded'));
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes, limits, resolve, reject });
      this.warm();
      this.pump();
    });
  }

  /** Starts the workers now, so the first frame does not wait for one (~1 s from source). */
  warm(): void {
    while (this.slots.length < this.size) this.spawn();
  }

  /**
   * Ends every worker; what was waiting or decoding fails with 'decoder-unavailable'. A later
   * decode starts workers afresh (a camera that is closed and opened again).
   */
  async stop(): Promise<void> {
    const stopped = () => new ImageError('decoder-unavailable', 'the image decoder was stopped');
    for (const job of this.queue.splice(0)) job.reject(stopped());
    await Promise.all(
      this.slots.splice(0).map(async (slot) => {
        clearTimeout(slot.startTimer);
        if (slot.job) {
          clearTimeout(slot.job.timer);
          slot.job.reject(stopped());
        }
        await slot.worker.terminate();
      }),
    );
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      const id = this.nextId++;
      // The time limit starts when a worker has the frame, not while it waits in the queue.
      const timer = setTimeout(
        () =>
          this.end(
            slot,
            new ImageError('timeout', `decoding took longer than ${this.timeoutMs} ms`),
            true,
          ),
        this.timeoutMs,
      );
      slot.job = { ...job, id, timer };
      // The worker gets its own copy, which moves: the caller's buffer may be reused or be a
      // Buffer (whose slice() shares memory, and whose pool must never be transferred).
      const bytes = new Uint8Array(job.bytes);
      slot.worker.postMessage({ id, bytes, limits: job.limits } satisfies DecodeRequest, [
        bytes.buffer,
      ]);
    }
  }

  private spawn(): void {
    const entry = workerEntry(import.meta.url, 'image-decode-worker');
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
    });
    // An idle decoder never holds the process open.
    worker.unref();
    this.started++;
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    slot.startTimer = setTimeout(
      () =>
        this.end(
          slot,
          new ImageError('decoder-unavailable', 'the image decoder did not start'),
          false,
        ),
      this.o.startTimeoutMs ?? 30_000,
    );
    worker.on('message', (reply: DecodeReply) => {
      if (reply.kind === 'ready') {
        clearTimeout(slot.startTimer);
        slot.ready = true;
        this.pump();
        return;
      }
      const job = slot.job;
      if (!job || reply.id !== job.id) return;
      clearTimeout(job.timer);
      slot.job = undefined;
      if (reply.kind === 'frame')
        job.resolve({ width: reply.width, height: reply.height, data: reply.data });
      else job.reject(new ImageError(reply.code, reply.message));
      this.pump();
    });
    // A worker that dies (out of memory on a hostile frame, a crash) fails only what it had.
    worker.on('error', () =>
      this.end(slot, new ImageError('decoder-unavailable', 'the image decoder failed'), true),
    );
    worker.on('exit', () =>
      this.end(slot, new ImageError('decoder-unavailable', 'the image decoder stopped'), true),
    );
  }

  /**
   * Ends a slot's worker. Its frame (or, when it never started, every waiting frame) fails with
   * the error; a replacement starts if this one had been working (not after a failed start,
   * which would only fail again in a loop) or frames are still waiting for one.
   */
  private end(slot: Slot, error: ImageError, replace: boolean): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.startTimer);
    void slot.worker.terminate();
    if (slot.job) {
      clearTimeout(slot.job.timer);
      slot.job.reject(error);
      slot.job = undefined;
    }
    if (!slot.ready && this.slots.length === 0) {
      for (const job of this.queue.splice(0)) job.reject(error);
      return;
    }
    if (replace && slot.ready) this.spawn();
    this.pump();
  }
}
