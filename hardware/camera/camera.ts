/**
 * The camera contract. A camera is a Device whose data events are frames; `grab()` returns the
 * latest frame on demand, which is what the face engine needs (it decides when to look).
 */
import { Device } from '../device.ts';
import type { Frame } from './image.ts';

export abstract class Camera extends Device<Frame> {
  /** The most recent frame; rejects with a DeviceError when the camera has none to give. */
  abstract grab(): Promise<Frame>;
}
