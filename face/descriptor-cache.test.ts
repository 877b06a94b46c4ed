import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DescriptorCache, describePhotos, imagesUnder, modelVersion } from './descriptor-cache.ts';
import type { FaceEngine, FaceObservation } from './face-engine.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { type Frame, toJpeg } from '../hardware/camera/image.ts';
import { parsePhotoLook } from './photo-look.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'descriptor-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small JPEG whose first pixel's red value tells the fake engine who is in it. */
const photo = (who: number): Uint8Array => {
  const frame: Frame = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 3).fill(who) };
  return toJpeg(frame, 100);
};

/** Stands in for the nets: one face per photo, none in a dark one; counts its calls. */
function fakeEngine() {
  const engine = {
    calls: 0,
    options: [] as unknown[],
    detectAll: async (frame: Frame, options?: unknown): Promise<FaceObservation[]> => {
      engine.calls++;
      engine.options.push(options);
      const who = frame.data[0]!;
      if (who < 20) return [];
      return [
        {
          box: { x: 1.234, y: 2, width: 10, height: 11 },
          score: 0.98765,
          landmarks: [],
          descriptor: Float32Array.from({ length: DESCRIPTOR_LENGTH }, (_, k) => who / 255 + k),
        },
      ];
    },
  };
  return engine satisfies Pick<FaceEngine, 'detectAll'>;
}

async function writePhotos(): Promise<string[]> {
  await mkdir(join(dir, 'set', 'ann'), { recursive: true });
  await mkdir(join(dir, 'set', 'bob'), { recursive: true });
  const paths = [
    join(dir, 'set', 'ann', '1.jpg'),
    join(dir, 'set', 'ann', '2.jpg'),
    join(dir, 'set', 'bob', '1.jpg'),
  ];
  await writeFile(paths[0]!, photo(100));
  await writeFile(paths[1]!, photo(10)); // no face
  await writeFile(paths[2]!, photo(200));
  await writeFile(join(dir, 'set', 'notes.txt'), 'not a photo');
  return paths;
}

describe('descriptor cache', () => {
  it('computes each photo once; a rerun reads every descriptor back exactly', async () => {
    const paths = await writePhotos();
    expect(await imagesUnder(join(dir, 'set'))).toEqual(paths);
    const cacheDir = join(dir, 'cache');
    const engine = fakeEngine();
    const first = await describePhotos(paths, engine, await DescriptorCache.open(cacheDir, 'v1'), {
      detect: { ssdInputSize: 256 },
    });
    expect(first).toMatchObject({ cached: 0, computed: 3, noFace: 1 });
    expect(engine.calls).toBe(3);
    expect(engine.options[0]).toEqual({ ssdInputSize: 256 });

    const again = fakeEngine();
    const cache = await DescriptorCache.open(cacheDir, 'v1');
    expect(cache.size).toBe(3);
    const second = await describePhotos(paths, again, cache);
    expect(second).toMatchObject({ cached: 3, computed: 0, noFace: 1 });
    expect(again.calls).toBe(0);
    for (const path of paths) {
      const a = first.photos.get(path)!;
      const b = second.photos.get(path)!;
      expect(b.faces.map((f) => Array.from(f.descriptor))).toEqual(
        a.faces.map((f) => Array.from(f.descriptor)),
      );
      expect(b.width).toBe(16);
    }
    expect(second.photos.get(paths[1]!)!.faces).toEqual([]);
    // Descriptors of people: the file is for its owner only.
    expect((await stat(cache.file)).mode & 0o077).toBe(0);
  });

  it('another model version, or a changed photo, is computed again', async () => {
    const paths = await writePhotos();
    const cacheDir = join(dir, 'cache');
    await describePhotos(paths, fakeEngine(), await DescriptorCache.open(cacheDir, 'v1'));
    const other = fakeEngine();
    await describePhotos(paths, other, await DescriptorCache.open(cacheDir, 'v2'));
    expect(other.calls).toBe(3);

    await utimes(paths[0]!, new Date(), new Date(Date.now() + 5000));
    const changed = fakeEngine();
    const r = await describePhotos(paths, changed, await DescriptorCache.open(cacheDir, 'v1'));
    expect(r).toMatchObject({ cached: 2, computed: 1 });
  });

  it('a torn last line (a stopped run) is skipped and that photo computed again', async () => {
    const paths = await writePhotos();
    const cacheDir = join(dir, 'cache');
    const cache = await DescriptorCache.open(cacheDir, 'v1');
    await describePhotos(paths, fakeEngine(), cache);
    const text = await readFile(cache.file, 'utf8');
    const lines = text.trim().split('\n');
    await writeFile(cache.file, `${lines.slice(0, 2).join('\n')}\n`);
    await appendFile(cache.file, lines[2]!.slice(0, 40));
    const engine = fakeEngine();
    const r = await describePhotos(paths, engine, await DescriptorCache.open(cacheDir, 'v1'));
    expect(r).toMatchObject({ cached: 2, computed: 1 });
  });

  it('the model version hashes the nets and the detection options', async () => {
    const files = new Map<string, Uint8Array>();
    const read = async (path: string) => files.get(path) ?? new Uint8Array([1, 2, 3]);
    const a = await modelVersion('/m', {}, read);
    expect(await modelVersion('/m', {}, read)).toBe(a);
    expect(await modelVersion('/m', parsePhotoLook('ssd:256:0'), read)).not.toBe(a);
    expect(
      await modelVersion(
        '/m',
        { photoFirstLook: { pad: 0, inputSize: 256, detector: 'ssd' } },
        read,
      ),
    ).toBe(await modelVersion('/m', parsePhotoLook('ssd:256:0'), read));
    files.set('/m/face_recognition_model.bin', new Uint8Array([9]));
    expect(await modelVersion('/m', {}, read)).not.toBe(a);
  });
});

describe('parsePhotoLook', () => {
  it('reads the standard look and DETECTOR:INPUT:PAD', () => {
    expect(parsePhotoLook('standard')).toEqual({});
    expect(parsePhotoLook('ssd:256:0')).toEqual({
      photoFirstLook: { detector: 'ssd', inputSize: 256, pad: 0 },
    });
    expect(parsePhotoLook('tiny:320:0.25')).toEqual({
      photoFirstLook: { detector: 'tiny', inputSize: 320, pad: 0.25 },
    });
  });
  it('refuses what the nets cannot run', () => {
    for (const bad of ['ssd:250:0', 'ssd:1024:0', 'mtcnn:256:0', 'ssd:256', 'ssd:256:5'])
      expect(() => parsePhotoLook(bad), bad).toThrow(RangeError);
  });
});
