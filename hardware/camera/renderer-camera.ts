/**
 * A real UVC camera, read where browsers read cameras: in the renderer, through getUserMedia.
 * The renderer downscales frames and sends them at a bounded rate; this device keeps only the
 * newest (dropping rather than queueing, so the face engine never works on a stale picture) and
 * reports the camera's status as the renderer sees it (unplugged, back). Frames stay in memory.
 * They are untrusted input, so they are decoded off the host's thread within a time limit
 * (image-decoder.ts), one at a time: a frame arriving while one is decoded is dropped.
 */
import { DeviceError } from '../device.ts';
import { cameraFrameLimits, type Frame, ImageError, type ImageLimits } from './image.ts';
import { imageBytesFromDataUrl } from './image-data-url.ts';
import { ImageDecoder } from './image-decoder.ts';
import { Camera } from './camera.ts';

export interface RendererCameraOptions {
  /** A frame older than this is no picture at all (the camera froze or the window is gone). */
  staleMs?: number;
  /** Frames arriving faster than this are dropped. */
  maxFps?: number;
  /**
   * A grab that would return the frame the previous grab returned waits this long for a newer
   * one first: the face engine and the liveness challenge read faster than a camera sends, and
   * the same picture twice is no new information (and looks like a frozen face).
   */
  nextFrameWaitMs?: number;
  now?: () => number;
  /**
   * The camera's configured size: the renderer only scales frames down, so a larger one is not
   * from the camera. Without it, frames are held to full HD.
   */
  frameSize?: { width: number; height: number };
  /**
   * The off-thread decoder (tests share one). Without it the camera starts its own, whose
   * workers end when the camera closes.
   */
  decoder?: ImageDecoder;
}

export class RendererCamera extends Camera {
  private latest: { frame: Frame; at: number } | undefined;
  private handedOut: Frame | undefined;
  private waiting: (() => void)[] = [];
  private lastAccepted = 0;
  private unplugged = false;
  private readonly now: () => number;
  private readonly limits: ImageLimits;
  private readonly decoder: ImageDecoder;
  private decoding = false;

  constructor(private readonly o: RendererCameraOptions = {}) {
    super('camera');
    this.now = o.now ?? (() => Date.now());
    this.limits = cameraFrameLimits(o.frameSize);
    this.decoder = o.decoder ?? new ImageDecoder();
  }

  /**
   * A frame as the renderer sends it: a JPEG data URL, whose declared type must be JPEG and match
   * its bytes. Returns whether it was kept.
   */
  async pushDataUrl(dataUrl: string): Promise<boolean> {
    if (this.state !== 'enabled') return false;
    let jpeg: Uint8Array;
    try {
      jpeg = imageBytesFromDataUrl(dataUrl, this.limits);
    } catch (error) {
      this.refused(error);
      return false;
    }
    return this.pushFrame(jpeg);
  }

  /** A JPEG frame from the renderer (nothing else: not a PNG); returns whether it was kept. */
  async pushFrame(jpeg: Uint8Array): Promise<boolean> {
    if (this.state !== 'enabled' || this.decoding) return false;
    const now = this.now();
    if (now - this.lastAccepted < 1000 / (this.o.maxFps ?? 8)) return false;
    let frame: Frame;
    this.decoding = true;
    try {
      frame = await this.decoder.decode(jpeg, this.limits);
    } catch (error) {
      this.refused(error);
      return false;
    } finally {
      this.decoding = false;
    }
    // Closed or disabled while the frame was being decoded.
    if (this.state !== 'enabled') return false;
    this.lastAccepted = now;
    this.latest = { frame, at: now };
    for (const wake of this.waiting.splice(0)) wake();
    if (this.unplugged) this.setSourceStatus('ready');
    this.emitData(frame);
    return true;
  }

  private refused(error: unknown): void {
    const why =
      error instanceof ImageError && error.code === 'timeout'
        ? 'a frame from the renderer took too long to decode'
        : 'the renderer sent a frame that is not an image';
    this.emitError(new DeviceError(this.name, 'bad-frame', why, { cause: error }));
  }

  setSourceStatus(status: 'ready' | 'unplugged'): void {
    this.unplugged = status === 'unplugged';
    if (this.unplugged) this.latest = undefined;
    if (this.state !== 'closed') this.setStatus({ kind: status });
  }

  protected async onOpen(): Promise<void> {
    this.decoder.warm();
    this.setStatus({ kind: this.unplugged ? 'unplugged' : 'ready' });
  }

  protected async onClose(): Promise<void> {
    this.latest = undefined;
    for (const wake of this.waiting.splice(0)) wake();
    if (!this.o.decoder) await this.decoder.stop();
  }

  async grab(): Promise<Frame> {
    this.expect('grab', 'enabled');
    if (this.latest && this.latest.frame === this.handedOut) {
      await this.nextFrame();
      this.expect('grab', 'enabled'); // it may have been closed meanwhile
    }
    if (this.unplugged) throw new DeviceError(this.name, 'unplugged', 'the camera is unplugged');
    const latest = this.latest;
    if (!latest || this.now() - latest.at > (this.o.staleMs ?? 2000)) {
      throw new DeviceError(this.name, 'no-frames', 'no recent picture from the camera');
    }
    this.handedOut = latest.frame;
    return latest.frame;
  }

  /** Resolves when a newer frame arrives, or after nextFrameWaitMs (then the same one it is). */
  private nextFrame(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.o.nextFrameWaitMs ?? 400);
      const waiting = this.waiting;
      waiting.push(done);
      function done() {
        clearTimeout(timer);
        const at = waiting.indexOf(done);
        if (at >= 0) waiting.splice(at, 1);
        resolve();
      }
    });
  }
}
