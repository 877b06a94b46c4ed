/**
 * SSD at 288 px on camera frames: the regenerated anchors are the model's own at 512, and at 288
 * the same faces are found in the same places, with descriptors that identify the same people;
 * where a smaller input is blind, the 512 fallback still finds the face.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceEngine, projectRoot } from './face-engine.ts';
import { DEFAULT_MATCH_POLICY } from './calibration.ts';
import { euclidean } from './enrollment.ts';
import { FaceGallery } from './gallery.ts';
import { compose, decodeImage } from '../hardware/camera/image.ts';
import { ssdAnchors, ssdGrids } from './ssd-input-size.ts';

const require = createRequire(import.meta.url);
const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
const people = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const photo = (person: string, file: string) =>
  decodeImage(readFileSync(join(fixtures, person, file)));
/** A photo framed as the kiosk camera frames a patient: 640x480, the photo `share` of its height. */
const cameraFrame = (person: string, file: string, share = 0.45) => {
  const p = photo(person, file);
  return compose(640, 480, p, (480 * share) / p.height);
};

let engine: FaceEngine;
beforeAll(async () => {
  engine = await FaceEngine.load();
}, 120_000);

describe('SSD input size', () => {
  it('the anchor generator reproduces the 5118 prior boxes stored in the model at 512', async () => {
    // The same module instance the engine loaded, with the SSD weights in it.
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as {
      nets: {
        ssdMobilenetv1: {
          params: { output_layer: { extra_dim: { data(): Promise<Float32Array> } } };
        };
      };
    };
    const stored = await api.nets.ssdMobilenetv1.params.output_layer.extra_dim.data();
    const made = ssdAnchors(512);
    expect(made.length).toBe(stored.length);
    expect(made.length / 4).toBe(5118);
    let worst = 0;
    for (let i = 0; i < made.length; i++) worst = Math.max(worst, Math.abs(made[i]! - stored[i]!));
    expect(worst).toBeLessThan(1e-4);
    expect(ssdGrids(320)).toEqual([20, 10, 5, 3, 2, 1]);
    expect(ssdAnchors(320).length / 4).toBe(20 * 20 * 3 + (100 + 25 + 9 + 4 + 1) * 6);
  });

  it('at 288 px alone finds every camera-framed face where 512 does, and identifies the same person', async () => {
    const gallery = new FaceGallery();
    for (const person of people) {
      const [face] = await engine.detectAll(photo(person, '1.png'));
      gallery.add(person, face!.descriptor);
    }
    // A patient at the usual distance, and one further back.
    for (const share of [0.45, 0.6]) {
      for (const person of people) {
        const frame = cameraFrame(person, '3.png', share);
        const [full] = await engine.detectAll(frame, { ssdInputSize: 512 });
        const found = await engine.detectAll(frame, { ssdInputSize: 288, ssdFallback: false });
        expect(found, `${person} at ${share}`).toHaveLength(1);
        const [small] = found;
        const a = full!.box;
        const b = small!.box;
        const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
        const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
        const iou = (ix * iy) / (a.width * a.height + b.width * b.height - ix * iy);
        expect(iou, person).toBeGreaterThan(0.7);
        expect(euclidean(full!.descriptor, small!.descriptor), person).toBeLessThan(0.25);
        expect(gallery.identify(small!.descriptor, DEFAULT_MATCH_POLICY), person).toMatchObject({
          kind: 'match',
          personId: person,
        });
      }
    }
  });

  it('where the smaller input is blind, the frame is looked at again at 512', async () => {
    // 320 px has a blind spot for faces about 100 px wide (measured: 23 of 40 found at that
    // size); with the fallback the frame is never lost.
    let blind = 0;
    for (const person of people) {
      const frame = cameraFrame(person, '2.png', 0.3);
      const alone = await engine.detectAll(frame, { ssdInputSize: 320, ssdFallback: false });
      if (alone.length === 0) blind++;
      expect(await engine.detectAll(frame, { ssdInputSize: 320 }), person).toHaveLength(1);
    }
    expect(blind).toBeGreaterThan(0); // the case the fallback exists for does occur
  });

  it('leaves no tensors behind across frames (the anchors are made once)', async () => {
    const frame = cameraFrame('penny', '2.png');
    await engine.detectAll(frame, { ssdInputSize: 288 });
    const before = engine.tensorCount();
    for (let i = 0; i < 5; i++) await engine.detectAll(frame, { ssdInputSize: 288 });
    expect(engine.tensorCount()).toBe(before);
  });
});
