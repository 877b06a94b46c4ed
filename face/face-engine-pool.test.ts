/**
 * The face engine on worker threads: the same answers as the engine in-thread, frames analysed
 * side by side, typed errors, a dead worker replaced, and nothing left running after close.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceEngine, projectRoot } from './face-engine.ts';
import { FaceEngineError, FaceEnginePool, WORKER_YOUNG_GENERATION_MB } from './face-engine-pool.ts';
import { decodeImage, ImageError, pad, resize } from '../hardware/camera/image.ts';

const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
const photo = (person: string, file: string) =>
  decodeImage(readFileSync(join(fixtures, person, file)));
const groupPhoto = () =>
  readdirSync(join(fixtures, '_group')).find((f) => /\.(png|jpe?g)$/i.test(f))!;
/** A camera-sized frame with one face in it. */
const cameraFrame = resize(pad(photo('penny', '2.png'), 0.8), 640, 480);

let pool: FaceEnginePool;
beforeAll(async () => {
  pool = await FaceEnginePool.start({ size: 2 });
}, 120_000);
afterAll(() => pool.close());

describe('FaceEnginePool', () => {
  it('runs one engine per worker and answers as the engine does in-thread', async () => {
    expect(pool.size).toBe(2);
    const engine = await FaceEngine.load();
    const frame = photo('raj', '3.png');
    const [inThread] = await engine.detectAll(frame);
    const [pooled] = await pool.detectAll(frame);
    expect(pooled!.box.width).toBeCloseTo(inThread!.box.width, 3);
    expect(pooled!.descriptor).toBeInstanceOf(Float32Array);
    const gap = Math.max(
      ...pooled!.descriptor.map((v, i) => Math.abs(v - inThread!.descriptor[i]!)),
    );
    expect(gap).toBeLessThan(1e-4);
    expect((await pool.track(cameraFrame)).length).toBe(1);
  });

  it('analyses two frames side by side and queues the rest', async () => {
    const frames = Array.from({ length: 5 }, () => pool.track(cameraFrame));
    expect(pool.busy).toBe(2);
    expect(pool.queued).toBe(3);
    const results = await Promise.all(frames);
    expect(results.every((faces) => faces.length === 1)).toBe(true);
    expect(pool.busy).toBe(0);
  });

  it('bad frames are typed errors, refused before they cross to a worker', async () => {
    for (const [frame, code] of [
      [{ width: 0, height: 0, data: new Uint8Array(0) }, 'empty'],
      [{ width: 10, height: 10, data: new Uint8Array(5) }, 'corrupt'],
      [{ width: 10_000, height: 10_000, data: new Uint8Array(3) }, 'too-large'],
    ] as const) {
      await expect(pool.detectAll(frame)).rejects.toSatisfy(
        (e) => e instanceof ImageError && e.code === code,
      );
      await expect(pool.track(frame)).rejects.toBeInstanceOf(ImageError);
    }
    expect(pool.busy).toBe(0);
  });

  it('tensors stay flat in the workers across frames (no leak)', async () => {
    const group = decodeImage(readFileSync(join(fixtures, '_group', groupPhoto())));
    // Warm-up on both workers: the first frames allocate kernels once.
    for (let i = 0; i < 2; i++) {
      await Promise.all([pool.detectAll(group), pool.detectAll(group)]);
      await Promise.all([pool.track(group), pool.track(group)]);
      await Promise.all([
        pool.passiveLiveness(group, { x: 10, y: 10, width: 100, height: 100 }),
        pool.passiveLiveness(group, { x: 10, y: 10, width: 100, height: 100 }),
      ]);
    }
    const before = pool.tensorCount();
    // A leak is per call (a tensor not disposed on some path), so each round would add to the
    // count: three rounds of every kind of frame show it as well as ten did, in a third the time.
    for (let i = 0; i < 3; i++) {
      await Promise.all([
        pool.track(group),
        pool.track(cameraFrame),
        pool.detectAll(group),
        pool.passiveLiveness(cameraFrame, { x: 200, y: 150, width: 200, height: 200 }),
      ]);
    }
    expect(pool.tensorCount()).toBe(before);
  });

  it('a worker that dies fails only its frame, and a fresh worker takes its place', async () => {
    const own = await FaceEnginePool.start({ size: 2 });
    try {
      const inFlight = own.detectAll(cameraFrame);
      const slots = (own as unknown as { slots: { worker: Worker; job?: unknown }[] }).slots;
      const busy = slots.find((s) => s.job)!;
      await busy.worker.terminate();
      await expect(inFlight).rejects.toSatisfy(
        (e) => e instanceof FaceEngineError && e.code === 'engine-failed',
      );
      expect((await own.detectAll(cameraFrame)).length).toBe(1); // the other worker
      await expect.poll(() => own.size, { timeout: 60_000 }).toBe(2);
      const both = await Promise.all([own.track(cameraFrame), own.track(cameraFrame)]);
      expect(both.map((faces) => faces.length)).toEqual([1, 1]);
    } finally {
      await own.close();
    }
  });

  it('idle recycling: once no frame has come for idleMs, a worker grown past the mark is replaced', async () => {
    const events: { replaced: number; heapBytesBefore: number[] }[] = [];
    const own = await FaceEnginePool.start({
      size: 1,
      idleRecycle: { idleMs: 300, maxHeapBytes: 64 * 2 ** 20, onRecycled: (e) => events.push(e) },
    });
    try {
      const big = resize(pad(photo('penny', '2.png'), 2), 1280, 960);
      expect((await own.detectAll(big)).length).toBe(1);
      const [grown] = own.heapBytes();
      expect(grown).toBeGreaterThan(64 * 2 ** 20);
      expect(await own.recycle(Number.MAX_SAFE_INTEGER)).toBe(0); // none past that mark
      await expect.poll(() => events.length, { timeout: 60_000 }).toBe(1);
      expect(events[0]).toEqual({ replaced: 1, heapBytesBefore: [grown] });
      expect(own.heapBytes()).toEqual([0]); // a fresh worker, no frame yet
      expect((await own.detectAll(cameraFrame)).length).toBe(1);
      expect(own.heapBytes()[0]).toBeLessThan(grown!);
    } finally {
      await own.close();
    }
  });

  it('every worker runs with a bounded young generation, a replacement too, and reports its heaps', async () => {
    const own = await FaceEnginePool.start({ size: 1 });
    try {
      const limits = () =>
        (own as unknown as { slots: { worker: Worker }[] }).slots.map(
          (s) => s.worker.resourceLimits?.maxYoungGenerationSizeMb,
        );
      expect(limits()).toEqual([WORKER_YOUNG_GENERATION_MB]);
      expect(own.memory()).toEqual([{ nets: 'all', wasmBytes: 0, jsHeapBytes: 0 }]);
      expect((await own.track(cameraFrame)).length).toBe(1);
      // Its heaps, as the worker reports them with each result (the bench and /metrics read them).
      const [reported] = own.memory();
      expect(reported!.wasmBytes).toBe(own.heapBytes()[0]);
      expect(reported!.jsHeapBytes).toBeGreaterThan(4 * 2 ** 20);
      expect(await own.recycle(0)).toBe(1);
      expect(limits()).toEqual([WORKER_YOUNG_GENERATION_MB]);
      expect((await own.detectAll(cameraFrame)).length).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('after close, waiting frames fail as stopped and no worker is left running', async () => {
    const own = await FaceEnginePool.start({ size: 1 });
    const frames = [own.track(cameraFrame), own.track(cameraFrame)].map((p) =>
      p.then(
        () => 'done',
        (e: unknown) => (e instanceof FaceEngineError ? e.code : 'other'),
      ),
    );
    await own.close();
    expect(await Promise.all(frames)).toEqual(['engine-stopped', 'engine-stopped']);
    expect(own.size).toBe(0);
    await expect(own.detectAll(cameraFrame)).rejects.toMatchObject({ code: 'engine-stopped' });
  });
});

describe('a pool with a tracking-only worker', () => {
  const allNets = [
    'ssd_mobilenetv1',
    'face_landmark_68',
    'face_recognition',
    'tiny_face_detector',
    'face_landmark_68_tiny',
  ];
  const tinyNets = ['tiny_face_detector', 'face_landmark_68_tiny'];

  it('the tracker holds the tiny nets alone and takes tracking frames and passive scores; detectAll waits for the full worker', async () => {
    const own = await FaceEnginePool.start({ size: 2, trackers: 1 });
    try {
      // No passive liveness nets at start on either: they load on the first passive call.
      expect(own.workerNets()).toEqual([allNets, tinyNets]);
      const decisive = [own.detectAll(cameraFrame), own.detectAll(cameraFrame)];
      expect(own.busy).toBe(1);
      expect(own.queued).toBe(1);
      // A tracking frame goes past the waiting decisive frame, to the tracker.
      const tracked = own.track(cameraFrame);
      expect(own.busy).toBe(2);
      expect(own.queued).toBe(1);
      expect((await tracked).length).toBe(1);
      expect((await Promise.all(decisive)).map((faces) => faces.length)).toEqual([1, 1]);
      // A passive score goes to the tracker while the full worker analyses the next frame.
      const [face] = await own.detectAll(cameraFrame);
      const next = own.detectAll(cameraFrame);
      const score = own.passiveLiveness(cameraFrame, face!.box);
      expect([own.busy, own.queued]).toEqual([2, 0]);
      expect(await score).toBeGreaterThanOrEqual(0.3);
      expect((await next).length).toBe(1);

      // A tracker that dies is replaced by a tracker.
      const slots = (own as unknown as { slots: { worker: Worker; nets: string }[] }).slots;
      await slots.find((s) => s.nets === 'track')!.worker.terminate();
      await expect.poll(() => own.size, { timeout: 60_000 }).toBe(2);
      expect(own.workerNets()).toEqual([allNets, tinyNets]);
      const both = [own.detectAll(cameraFrame), own.track(cameraFrame)];
      expect(own.busy).toBe(2);
      expect((await Promise.all(both)).map((faces) => faces.length)).toEqual([1, 1]);
    } finally {
      await own.close();
    }
  });
});

describe('passive liveness', () => {
  it('scores every genuine fixture photo at or above the default threshold, repeatably', async () => {
    const people = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
    const scores = await Promise.all(
      people.flatMap((person) =>
        ['1.png', '2.png', '3.png', '4.png', '5.png'].map(async (file) => {
          const frame = photo(person, file);
          const [face] = await pool.detectAll(frame);
          return pool.passiveLiveness(frame, face!.box);
        }),
      ),
    );
    expect(scores).toHaveLength(40);
    for (const score of scores) {
      expect(score).toBeGreaterThanOrEqual(0.3); // core/config.ts face.passiveThreshold
      expect(score).toBeLessThanOrEqual(1);
    }
    const frame = photo('amy', '1.png');
    const [face] = await pool.detectAll(frame);
    const again = await pool.passiveLiveness(frame, face!.box);
    expect(again).toBeCloseTo(scores[0]!, 5);
  });
});
