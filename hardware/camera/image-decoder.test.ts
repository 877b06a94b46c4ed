import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageDecoder } from './image-decoder.ts';
import { cameraFrameLimits, PHOTO_LIMITS, toJpeg } from './image.ts';

/**
 * A PNG within the photo limits that is slow to decode: 16 megapixels of one colour compress to
 * ~60 KB, and inflating and converting them takes pngjs over a second on the kiosk's machine.
 */
function slowPng(width = 4096, height = 3900): Buffer {
  return PNG.sync.write(new PNG({ width, height }));
}

const jpeg = toJpeg({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(120) });
const bigSlowPng = slowPng();

const decoders: ImageDecoder[] = [];
function decoder(timeoutMs: number): ImageDecoder {
  const d = new ImageDecoder({ timeoutMs });
  decoders.push(d);
  return d;
}
afterAll(() => Promise.all(decoders.map((d) => d.stop())));

describe('image decoder on a worker thread', () => {
  it('decodes a camera frame and refuses what the limits refuse, with the same typed errors', async () => {
    const d = decoder(10_000);
    const frame = await d.decode(jpeg, cameraFrameLimits());
    expect([frame.width, frame.height, frame.data.length]).toEqual([64, 48, 64 * 48 * 3]);
    await expect(d.decode(slowPng(8, 6), cameraFrameLimits())).rejects.toMatchObject({
      name: 'ImageError',
      code: 'unsupported-format',
    });
    await expect(d.decode(Uint8Array.of(0xff, 0xd8, 1), cameraFrameLimits())).rejects.toMatchObject(
      { name: 'ImageError', code: 'corrupt' },
    );
  });

  it("keeps the host's event loop turning while a slow frame is decoded", async () => {
    const d = decoder(30_000);
    await d.decode(jpeg, cameraFrameLimits()); // the worker is up
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const frame = await d.decode(slowPng(2048, 2048), PHOTO_LIMITS);
      expect([frame.width, frame.height]).toEqual([2048, 2048]);
    } finally {
      clearInterval(timer);
    }
    // Decoded on this thread, the interval could not have fired once before the frame came back.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('ends a decode over its time limit with ImageError, replaces the worker, decodes the next', async () => {
    const d = decoder(150);
    await d.decode(jpeg, cameraFrameLimits());
    expect(d.workersStarted).toBe(1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const slow = d.decode(bigSlowPng, PHOTO_LIMITS);
    await expect(slow).rejects.toMatchObject({ name: 'ImageError', code: 'timeout' });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(d.workersStarted).toBe(2);
    expect(d.workers).toBe(1);
    const next = await d.decode(jpeg, cameraFrameLimits());
    expect([next.width, next.height]).toEqual([64, 48]);
  });

  it('refuses, without copying, bytes over the limit and frames beyond its queue', async () => {
    const d = new ImageDecoder({ timeoutMs: 10_000, maxQueued: 1 });
    decoders.push(d);
    const limits = cameraFrameLimits();
    await expect(d.decode(new Uint8Array(limits.maxBytes + 1), limits)).rejects.toMatchObject({
      code: 'too-large',
    });
    // The worker is still starting: the first waits, the second is one too many.
    const first = d.decode(jpeg, limits);
    await expect(d.decode(jpeg, limits)).rejects.toMatchObject({ code: 'busy' });
    await expect(first).resolves.toMatchObject({ width: 64 });
  });

  it('stop fails what is in flight and a later decode starts afresh', async () => {
    const d = decoder(30_000);
    d.warm(); // as a camera does when it opens
    d.warm();
    expect([d.workers, d.workersStarted]).toEqual([1, 1]);
    const pending = expect(d.decode(bigSlowPng, PHOTO_LIMITS)).rejects.toMatchObject({
      code: 'decoder-unavailable',
    });
    await d.stop();
    await pending;
    expect(d.workers).toBe(0);
    await expect(d.decode(jpeg, cameraFrameLimits())).resolves.toMatchObject({ height: 48 });
  });
});
