/**
 * A real UVC camera, read where browsers read cameras: in the renderer, through getUserMedia.
 * The renderer downscales frames and sends them at a bounded rate; this device keeps only the
 * newest (dropping rather than queueing, so the face engine never works on a stale picture) and
 * reports the camera's status as the renderer sees it (unplugged, back). Frames stay in memory.
 */
import { DeviceError } from '../device.ts';
import { decodeImage, type Frame } from '../face/image.ts';
import { Camera } from './camera.ts';

export interface RendererCameraOptions {
  /** A frame older than this is no picture at all (the camera froze or the window is gone). */
  staleMs?: number;
  /** Frames arriving faster than this are dropped. */
  maxFps?: number;
  now?: () => number;
}

export class RendererCamera extends Camera {
  private latest: { frame: Frame; at: number } | undefined;
  private lastAccepted = 0;
  private unplugged = false;
  private readonly now: () => number;

  constructor(private readonly o: RendererCameraOptions = {}) {
    super('camera');
    this.now = o.now ?? (() => Date.now());
  }

  /** A JPEG frame from the renderer; returns whether it was kept. */
  pushFrame(jpeg: Uint8Array): boolean {
    if (this.state !== 'enabled') return false;
    const now = this.now();
    if (now - this.lastAccepted < 1000 / (this.o.maxFps ?? 8)) return false;
    let frame: Frame;
    try {
      frame = decodeImage(jpeg);
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
  }

  async grab(): Promise<Frame> {
    this.expect('grab', 'enabled');
    if (this.unplugged) throw new DeviceError(this.name, 'unplugged', 'the camera is unplugged');
    const latest = this.latest;
    if (!latest || this.now() - latest.at > (this.o.staleMs ?? 2000)) {
      throw new DeviceError(this.name, 'no-frames', 'no recent picture from the camera');
    }
    return latest.frame;
  }
}
