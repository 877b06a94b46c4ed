/**
 * SimulatedCamera: a camera whose "scene" is a fixture photo placed on a 640x480 frame, as a
 * patient standing in front of the kiosk would appear. Testers choose who stands there (any
 * person folder of the fixtures, a photo number), nobody, or a blank, or unplug it.
 * It implements the same Camera contract as the real one, so everything after it is identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceError } from '../device.ts';
import { Camera } from './camera.ts';
import { compose, decodeImage, type Frame } from './image.ts';

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

export type SimulatedScene =
  | { kind: 'person'; person: string; photo: string }
  /** A group photo from the fixtures' _group folder: several people in front of the kiosk. */
  | { kind: 'group'; photo: string }
  | { kind: 'empty' }
  | { kind: 'image'; path: string };

export interface SimulatedCameraOptions {
  /** Folder with one subfolder per person (../shared/fixtures/faces, or demo-faces/). */
  fixturesDir: string;
  scene?: SimulatedScene;
}

const NAME = /^[A-Za-z0-9_-]{1,40}$/;
const PHOTO = /^[A-Za-z0-9_-]{1,40}\.(png|jpe?g)$/;

export class SimulatedCamera extends Camera {
  private scene: SimulatedScene;
  private frame: Frame | undefined;
  private unplugged = false;

  constructor(private readonly options: SimulatedCameraOptions) {
    super('camera');
    this.scene = options.scene ?? { kind: 'empty' };
  }

  get currentScene(): SimulatedScene {
    return this.scene;
  }

  /** Changes who stands in front of the camera. Names are checked so a path cannot escape. */
  setScene(scene: SimulatedScene): void {
    if (scene.kind === 'group' && !PHOTO.test(scene.photo)) {
      throw new DeviceError(this.name, 'bad-scene', 'photo must be a plain file name');
    }
    if (scene.kind === 'person' && (!NAME.test(scene.person) || !PHOTO.test(scene.photo))) {
      throw new DeviceError(this.name, 'bad-scene', 'person and photo must be plain file names');
    }
    this.frame = this.render(scene);
    this.scene = scene;
  }

  setUnplugged(unplugged: boolean): void {
    this.unplugged = unplugged;
    if (this.state !== 'closed')
      this.setStatus(unplugged ? { kind: 'unplugged' } : { kind: 'ready' });
  }

  protected async onOpen(): Promise<void> {
    if (this.unplugged) throw new DeviceError(this.name, 'unplugged', 'no camera connected');
    this.frame = this.render(this.scene);
    this.setStatus({ kind: 'ready' });
  }

  protected async onClose(): Promise<void> {
    this.frame = undefined;
  }

  async grab(): Promise<Frame> {
    this.expect('grab', 'enabled');
    if (this.unplugged || !this.frame)
      throw new DeviceError(this.name, 'unplugged', 'the camera gives no picture');
    this.emitData(this.frame);
    return this.frame;
  }

  private render(scene: SimulatedScene): Frame {
    if (scene.kind === 'empty') {
      return {
        width: FRAME_WIDTH,
        height: FRAME_HEIGHT,
        data: new Uint8Array(FRAME_WIDTH * FRAME_HEIGHT * 3).fill(200),
      };
    }
    const path =
      scene.kind === 'person'
        ? join(this.options.fixturesDir, scene.person, scene.photo)
        : scene.kind === 'group'
          ? join(this.options.fixturesDir, '_group', scene.photo)
          : scene.path;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new DeviceError(this.name, 'bad-scene', 'scene image not found', { cause: error });
    }
    const image = decodeImage(bytes);
    // A patient at arm's length: the face takes about 40% of the frame height. A group photo
    // fills the frame instead: several people crowding the kiosk.
    const scale =
      scene.kind === 'group'
        ? Math.min(FRAME_WIDTH / image.width, FRAME_HEIGHT / image.height)
        : Math.min((FRAME_HEIGHT * 0.45) / image.height, (FRAME_WIDTH * 0.9) / image.width);
    return compose(FRAME_WIDTH, FRAME_HEIGHT, image, scale);
  }
}
