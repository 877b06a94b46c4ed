/**
 * A real UVC camera, read where browsers read cameras: in the renderer, through getUserMedia.
 * The renderer downscales frames and sends them at a bounded rate; this device keeps only the
 * newest (dropping rather than queueing, so the face engine never works on a stale picture) and
 * reports the camera's status as the renderer sees it (unplugged, back). Frames stay in memory.
 */
import { DeviceError } from '../device.ts';
import { cameraFrameLimits, decodeImage, type Frame, type ImageLimits } from './image.ts';
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
}

export class RendererCamera extends Camera {
  private latest: { frame: Frame; at: number } | undefined;
  private handedOut: Frame | undefined;
  private waiting: (() => void)[] = [];
  private lastAccepted = 0;
  private unplugged = false;
  private readonly now: () => number;
  private readonly limits: ImageLimits;

  constructor(private readonly o: RendererCameraOptions = {}) {
    super('camera');
    this.now = o.now ?? (() => Date.now());
    this.limits = cameraFrameLimits(o.frameSize);
  }

  /** A JPEG frame from the renderer (nothing else: not a PNG); returns whether it was kept. */
  pushFrame(jpeg: Uint8Array): boolean {
    if (this.state !== 'enabled') return false;
    const now = this.now();
    if (now - this.lastAccepted < 1000 / (this.o.maxFps ?? 8)) return false;
    let frame: Frame;
    try {
      frame = decodeImage(jpeg, this.limits);
    } catch (error) {
      this.emitError(
        new DeviceError(this.name, 'bad-frame', 'the renderer sent a frame that is not an image', {
          cause: error,
        }),
      );
      return false;
    }
    this.lastAccepted = now;
    this.latest = { frame, at: now };
    for (const wake of this.waiting.splice(0)) wake();
    if (this.unplugged) this.setSourceStatus('ready');
    this.emitData(frame);
    return true;
  }

  setSourceStatus(status: 'ready' | 'unplugged'): void {
    this.unplugged = status === 'unplugged';
    if (this.unplugged) this.latest = undefined;
    if (this.state !== 'closed') this.setStatus({ kind: status });
  }

  protected async onOpen(): Promise<void> {
    this.setStatus({ kind: this.unplugged ? 'unplugged' : 'ready' });
  }

  protected async onClose(): Promise<void> {
    this.latest = undefined;
    for (const wake of this.waiting.splice(0)) wake();
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
