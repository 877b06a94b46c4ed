import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from './image-header.ts';
import { cameraFrameLimits, decodeImage, ImageError, PHOTO_LIMITS, toJpeg } from './image.ts';

function gradient(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  return { width, height, data };
}

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(200);
  return PNG.sync.write(image);
}

/** A real 1x1 PNG whose header claims another size (the pixel data stays one pixel). */
function pngClaiming(width: number, height: number): Buffer {
  const file = Buffer.from(png(1, 1));
  file.writeUInt32BE(width, 16);
  file.writeUInt32BE(height, 20);
  return file;
}

/** The offset of a JPEG's SOF0 segment, to rewrite the size it declares. */
function sofOffset(file: Uint8Array): number {
  for (let at = 2; at < file.length - 1; at++)
    if (file[at] === 0xff && file[at + 1] === 0xc0) return at;
  throw new Error('no SOF0');
}

const refusedAs = (code: ImageError['code']) =>
  expect.objectContaining({ name: 'ImageError', code });

describe('image limits, judged from the header before decoding', () => {
  it('refuses the 1x25,000,000 PNG from its header, without decoding it', () => {
    const bomb = pngClaiming(1, 25_000_000);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    expect(() => decodeImage(bomb)).toThrow(refusedAs('too-large'));
    // Sanity bounds only (decoding it took minutes): no frame buffer was made.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });

  it('holds photos to 4096 px a side and 16 megapixels, camera frames to the camera size', () => {
    expect(() => decodeImage(pngClaiming(4097, 10))).toThrow(refusedAs('too-large'));
    expect(() => decodeImage(pngClaiming(4096, 4000))).toThrow(refusedAs('too-large'));
    const jpeg = toJpeg(gradient(64, 48));
    const big = Uint8Array.from(jpeg);
    const sof = sofOffset(big);
    new DataView(big.buffer).setUint16(sof + 5, 1081);
    expect(() => decodeImage(big, cameraFrameLimits())).toThrow(refusedAs('too-large'));
    expect(() => decodeImage(jpeg, cameraFrameLimits({ width: 32, height: 48 }))).toThrow(
      refusedAs('too-large'),
    );
    expect(decodeImage(jpeg, cameraFrameLimits({ width: 64, height: 48 })).width).toBe(64);
  });

  it('refuses a file over the byte limit before reading it', () => {
    const limits = { ...PHOTO_LIMITS, maxBytes: 100 };
    expect(() => decodeImage(toJpeg(gradient(64, 48)), limits)).toThrow(refusedAs('too-large'));
  });

  it('a truncated header is corrupt, not a crash', () => {
    const file = png(4, 4);
    for (const cut of [4, 8, 16, 20, 30]) {
      expect(() => decodeImage(file.subarray(0, cut))).toThrow(refusedAs('corrupt'));
    }
    const jpeg = toJpeg(gradient(16, 16));
    const sof = sofOffset(jpeg);
    for (const cut of [2, 3, 5, sof + 3, sof + 6]) {
      expect(() => decodeImage(jpeg.subarray(0, cut))).toThrow(ImageError);
    }
  });

  it('a PNG where a JPEG is expected (a PNG behind a JPEG data URL) is refused', () => {
    expect(() => decodeImage(png(8, 6), cameraFrameLimits())).toThrow(
      refusedAs('unsupported-format'),
    );
  });

  it('a second IHDR further in a PNG is refused', () => {
    const file = png(2, 2);
    const extra = Buffer.from(file.subarray(8, 33)); // the IHDR chunk again
    const smuggled = Buffer.concat([file.subarray(0, 33), extra, file.subarray(33)]);
    expect(() => decodeImage(smuggled)).toThrow(refusedAs('corrupt'));
  });

  it('reads the declared size of a JPEG past its other segments', () => {
    expect(readImageHeader(toJpeg(gradient(33, 17)))).toEqual({
      format: 'jpeg',
      width: 33,
      height: 17,
    });
  });

  it('a valid camera-sized JPEG and photo-sized PNG still decode', () => {
    const frame = decodeImage(toJpeg(gradient(640, 480)), cameraFrameLimits());
    expect([frame.width, frame.height, frame.data.length]).toEqual([640, 480, 640 * 480 * 3]);
    const photo = decodeImage(png(150, 150));
    expect([photo.width, photo.height]).toEqual([150, 150]);
  });
});

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(source: Uint8Array, random: () => number): Uint8Array {
  const out = Uint8Array.from(source);
  const kind = Math.floor(random() * 4);
  const at = () => Math.floor(random() * out.length);
  if (kind === 0) for (let i = 0; i < 1 + random() * 8; i++) out[at()] = Math.floor(random() * 256);
  if (kind === 1) return out.subarray(0, at());
  if (kind === 2) {
    // Size fields are the interesting part: hit the first 64 bytes hard.
    for (let i = 0; i < 4; i++) out[Math.floor(random() * Math.min(64, out.length))] = 0xff;
  }
  if (kind === 3) {
    const from = at();
    out.copyWithin(at(), from, from + Math.floor(random() * 32));
  }
  return out;
}

describe('image decoder fuzzing (bounded, seeded)', () => {
  it('a few hundred mutated JPEG and PNG files give a frame within limits or an ImageError', () => {
    const random = prng(13);
    const sources = [toJpeg(gradient(48, 32)), png(40, 30), toJpeg(gradient(16, 64), 95)];
    const limits = cameraFrameLimits({ width: 640, height: 480 });
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const input = mutate(sources[i % sources.length]!, random);
      const formats = i % 2 ? limits : { ...limits, formats: ['png', 'jpeg'] as const };
      try {
        const frame = decodeImage(input, formats);
        expect(frame.width * frame.height).toBeLessThanOrEqual(limits.maxPixels);
        expect(frame.width).toBeLessThanOrEqual(640);
        expect(frame.data.length).toBe(frame.width * frame.height * 3);
      } catch (error) {
        if (!(error instanceof ImageError))
          throw new Error(`case ${i}: ${String(error)}`, { cause: error });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
