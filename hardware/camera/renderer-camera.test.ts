import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceError } from '../device.ts';
import { toJpeg } from './image.ts';
import { ImageDecoder } from './image-decoder.ts';
import { RendererCamera, type RendererCameraOptions } from './renderer-camera.ts';

const jpeg = toJpeg({ width: 8, height: 6, data: new Uint8Array(8 * 6 * 3).fill(90) });

// One set of decoding workers for every camera here (each would otherwise start its own).
const decoder = new ImageDecoder({ timeoutMs: 30_000 });
afterAll(() => decoder.stop());
const rendererCamera = (o: RendererCameraOptions) => new RendererCamera({ decoder, ...o });

function camera() {
  let now = 1_000_000;
  const cam = rendererCamera({ now: () => now, maxFps: 4, staleMs: 2000 });
  return { cam, advance: (ms: number) => (now += ms) };
}

describe('renderer camera', () => {
  it('keeps the newest frame, drops frames that come too fast, and decodes them', async () => {
    const { cam, advance } = camera();
    await cam.start();
    expect(await cam.pushFrame(jpeg)).toBe(true);
    expect(await cam.pushFrame(jpeg)).toBe(false); // within 250 ms
    advance(260);
    expect(await cam.pushFrame(jpeg)).toBe(true);
    const frame = await cam.grab();
    expect([frame.width, frame.height]).toEqual([8, 6]);
  });

  it('a grab waits for a newer picture rather than hand out the same one twice', async () => {
    const { cam, advance } = camera();
    await cam.start();
    await cam.pushFrame(jpeg);
    const first = await cam.grab();
    const next = cam.grab(); // the engine is faster than the camera: it waits
    advance(260);
    await cam.pushFrame(jpeg);
    const second = await next;
    expect(second).not.toBe(first);
    expect([second.width, second.height]).toEqual([8, 6]);
  });

  it('with no newer picture within the wait, the same fresh one is returned', async () => {
    let now = 1_000_000;
    const cam = rendererCamera({ now: () => now, nextFrameWaitMs: 20 });
    await cam.start();
    await cam.pushFrame(jpeg);
    const first = await cam.grab();
    now += 100;
    expect(await cam.grab()).toBe(first);
  });

  it('a stale picture is no picture: a typed error, not an old face', async () => {
    const { cam, advance } = camera();
    await cam.start();
    await cam.pushFrame(jpeg);
    advance(2500);
    await expect(cam.grab()).rejects.toMatchObject({ code: 'no-frames' });
  });

  it('reports unplug and replug, and refuses garbage frames with a typed error', async () => {
    const { cam, advance } = camera();
    const statuses: string[] = [];
    const errors: DeviceError[] = [];
    cam.on('status', (s) => statuses.push(s.kind));
    cam.on('error', (e) => errors.push(e));
    await cam.start();
    cam.setSourceStatus('unplugged');
    await expect(cam.grab()).rejects.toMatchObject({ code: 'unplugged' });
    advance(300);
    expect(await cam.pushFrame(Uint8Array.of(1, 2, 3))).toBe(false);
    expect(errors[0]?.code).toBe('bad-frame');
    expect(await cam.pushFrame(jpeg)).toBe(true); // a real frame means it is back
    expect(statuses).toEqual(['ready', 'unplugged', 'ready']);
  });

  it('refuses a PNG (even behind a JPEG data URL) and a frame larger than the camera', async () => {
    let now = 1_000_000;
    const cam = rendererCamera({ now: () => now, frameSize: { width: 8, height: 6 } });
    const errors: DeviceError[] = [];
    cam.on('error', (e) => errors.push(e));
    await cam.start();
    const png = new PNG({ width: 8, height: 6 });
    expect(await cam.pushFrame(PNG.sync.write(png))).toBe(false);
    expect(errors[0]?.cause).toMatchObject({ name: 'ImageError', code: 'unsupported-format' });
    now += 1000;
    const larger = toJpeg({ width: 16, height: 6, data: new Uint8Array(16 * 6 * 3) });
    expect(await cam.pushFrame(larger)).toBe(false);
    expect(errors[1]?.cause).toMatchObject({ name: 'ImageError', code: 'too-large' });
    now += 1000;
    expect(await cam.pushFrame(jpeg)).toBe(true);
  });

  it("takes the renderer's JPEG data URL and refuses one whose bytes are not what it declares", async () => {
    const now = 1_000_000;
    const cam = rendererCamera({ now: () => now, frameSize: { width: 8, height: 6 } });
    const errors: DeviceError[] = [];
    cam.on('error', (e) => errors.push(e));
    await cam.start();
    const png = PNG.sync.write(new PNG({ width: 8, height: 6 }));
    expect(await cam.pushDataUrl(`data:image/jpeg;base64,${png.toString('base64')}`)).toBe(false);
    expect(errors[0]?.cause).toMatchObject({ name: 'ImageError', code: 'unsupported-format' });
    expect(await cam.pushDataUrl(`data:image/png;base64,${png.toString('base64')}`)).toBe(false);
    expect(errors[1]?.cause).toMatchObject({ name: 'ImageError', code: 'unsupported-format' });
    const url = `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`;
    expect(await cam.pushDataUrl(url)).toBe(true);
    expect((await cam.grab()).width).toBe(8);
  });

  it('drops a frame that arrives while the previous one is still being decoded', async () => {
    const { cam, advance } = camera();
    await cam.start();
    const first = cam.pushFrame(jpeg);
    advance(1000); // not the rate limit: the decoder is busy
    expect(await cam.pushFrame(jpeg)).toBe(false);
    expect(await first).toBe(true);
    expect(await cam.pushFrame(jpeg)).toBe(true);
  });

  it('a frame decoded after the camera was closed is not kept', async () => {
    const { cam } = camera();
    await cam.start();
    const pushed = cam.pushFrame(jpeg);
    await cam.stop();
    expect(await pushed).toBe(false);
  });
});
