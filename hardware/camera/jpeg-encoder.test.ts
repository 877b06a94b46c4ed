import { Session } from 'node:inspector/promises';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { encodeJpeg, type RgbImage } from './jpeg-encoder.ts';
import { HUFFMAN_SPECS } from './jpeg-tables.ts';

/** A picture with what a face has: smooth shading, edges and fine texture, seeded. */
function scene(width: number, height: number, seed = 7): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  const noise = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) / 255 - 0.5;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - width / 2, y - height / 2) / Math.max(width, height);
      const inside = d < 0.3 ? 1 : 0;
      const p = (y * width + x) * 3;
      data[p] = clamp(90 + 120 * inside + 40 * Math.sin(x / 9) + 12 * noise());
      data[p + 1] = clamp(70 + 80 * inside + 30 * Math.cos(y / 13) + 12 * noise());
      data[p + 2] = clamp(60 + 50 * inside + (x * 60) / width + 12 * noise());
    }
  return { width, height, data };
}
const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

function decode(bytes: Uint8Array): RgbImage {
  const rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  const data = new Uint8Array(rgba.width * rgba.height * 3);
  for (let i = 0, j = 0; j < rgba.data.length; i += 3, j += 4) {
    data[i] = rgba.data[j]!;
    data[i + 1] = rgba.data[j + 1]!;
    data[i + 2] = rgba.data[j + 2]!;
  }
  return { width: rgba.width, height: rgba.height, data };
}

function psnr(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10(255 ** 2 / (sum / a.data.length));
}

/** jpeg-js's encoder, which the previews used before (it takes RGBA). */
function jpegJs(image: RgbImage, quality: number): Uint8Array {
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    rgba.set(image.data.subarray(i, i + 3), j);
    rgba[j + 3] = 255;
  }
  return jpeg.encode({ width: image.width, height: image.height, data: rgba }, quality).data;
}

/** Bytes allocated on the JS heap while `work` runs, by V8's sampling heap profiler. */
async function allocatedBytes(work: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as never);
    work();
    // Node's typings of the protocol leave out the profile's samples, which V8 sends.
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
      profile: { samples: { size: number }[] };
    };
    return profile.samples.reduce((a, s) => a + s.size, 0);
  } finally {
    session.disconnect();
  }
}

describe('encodeJpeg', () => {
  it('uses the standard tables: every AC run/size symbol once, a complete prefix code', () => {
    for (const spec of [HUFFMAN_SPECS.acLuma, HUFFMAN_SPECS.acChroma]) {
      const expected = [0x00, 0xf0];
      for (let run = 0; run < 16; run++)
        for (let size = 1; size <= 10; size++) expected.push((run << 4) | size);
      expect([...spec.symbols].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
      expect(spec.counts.reduce((a, b) => a + b, 0)).toBe(162);
    }
    for (const spec of Object.values(HUFFMAN_SPECS)) {
      const kraft = spec.counts.reduce((a, n, i) => a + n / 2 ** (i + 1), 0);
      expect(kraft).toBeLessThan(1); // an all-ones code is left unused, as T.81 requires
    }
  });

  it('a decoder gets the picture back, as faithfully as jpeg-js did at the same quality', () => {
    const image = scene(320, 240);
    for (const quality of [60, 90]) {
      const ours = encodeJpeg(image, quality);
      const theirs = jpegJs(image, quality);
      const back = decode(ours);
      expect([back.width, back.height]).toEqual([320, 240]);
      expect(psnr(image, back)).toBeGreaterThan(quality === 60 ? 30 : 35);
      expect(psnr(image, back)).toBeGreaterThan(psnr(image, decode(theirs)) - 0.5);
      expect(ours.length).toBeLessThan(theirs.length * 1.1);
    }
  });

  it('sizes that are not whole blocks, down to one pixel, keep their size and colour', () => {
    for (const [width, height] of [
      [1, 1],
      [9, 17],
      [33, 7],
    ] as const) {
      const data = new Uint8Array(width * height * 3);
      for (let i = 0; i < data.length; i += 3) data.set([200, 30, 90], i);
      const back = decode(encodeJpeg({ width, height, data }, 90));
      expect([back.width, back.height]).toEqual([width, height]);
      for (let i = 0; i < back.data.length; i += 3)
        [200, 30, 90].forEach((v, c) => expect(Math.abs(back.data[i + c]! - v)).toBeLessThan(5));
    }
  });

  it('the hardest picture at quality 100 (a one-pixel checkerboard, black and white) decodes', () => {
    const width = 64;
    const data = new Uint8Array(width * width * 3);
    for (let y = 0; y < width; y++)
      for (let x = 0; x < width; x++)
        data.fill((x + y) % 2 ? 255 : 0, (y * width + x) * 3, (y * width + x) * 3 + 3);
    const image = { width, height: width, data };
    const bytes = encodeJpeg(image, 100);
    expect([...bytes.subarray(0, 2), ...bytes.subarray(-2)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(psnr(image, decode(bytes))).toBeGreaterThan(30);
  });

  it('refuses a size or quality it cannot encode, with a clear error', () => {
    const data = new Uint8Array(12);
    expect(() => encodeJpeg({ width: 0, height: 4, data })).toThrow(/positive whole size/);
    expect(() => encodeJpeg({ width: 2, height: 3, data })).toThrow(/needs 18 bytes/);
    expect(() => encodeJpeg({ width: 2, height: 2, data }, 0)).toThrow(/quality/);
    expect(() => encodeJpeg({ width: 2, height: 2, data }, 101)).toThrow(/quality/);
    expect(() => encodeJpeg({ width: 70000, height: 1, data })).toThrow(/65535/);
  });

  it('a preview allocates a small fraction of what jpeg-js did (it built its tables every time)', async () => {
    const image = scene(320, 240);
    // Until V8 has optimised the loops, their arithmetic allocates boxed numbers; a busy machine
    // optimises later, so the measure starts once the encoder is warm, as it is in a kiosk.
    for (let i = 0; i < 30; i++) encodeJpeg(image, 60);
    const ours = await allocatedBytes(() => {
      for (let i = 0; i < 20; i++) encodeJpeg(image, 60);
    });
    const theirs = await allocatedBytes(() => {
      for (let i = 0; i < 20; i++) jpegJs(image, 60);
    });
    // Measured a picture: ours ~41 KB (its buffer and output), jpeg-js ~24.7 MB; 164 KB for ours
    // once in CI, under load. The bound leaves room for a busy machine and none for jpeg-js.
    expect(ours / 20).toBeLessThan(1024 * 1024);
    expect(theirs / 20).toBeGreaterThan(4 * 1024 * 1024);
    expect(ours).toBeLessThan(theirs / 20);
  });
});
