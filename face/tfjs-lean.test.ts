/**
 * The face engine on tfjs without the parts it never runs: the union's layers, data, CPU and
 * WebGL packages stay unloaded, and the engine still finds and describes faces, chained tensor
 * methods and graph models (passive liveness) included. A fresh process per test file (Vitest's
 * forks), so nothing else has loaded tfjs before.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage, pad, resize } from '../hardware/camera/image.ts';
import { FaceEngine, projectRoot } from './face-engine.ts';
import { UNUSED_TFJS, preferLeanTfjs } from './tfjs-lean.ts';

const require = createRequire(import.meta.url);
const fromUnion = createRequire(require.resolve('@tensorflow/tfjs'));
const loadedWhole = (name: string) =>
  Object.keys((require.cache[fromUnion.resolve(name)]?.exports ?? {}) as object).length > 0;

describe('the lean tfjs union', () => {
  it('leaves layers, data and the CPU and WebGL backends unloaded, and the engine works', async () => {
    const engine = await FaceEngine.load({ preferNative: false });
    expect(engine.backend).toBe('wasm');
    for (const name of UNUSED_TFJS) expect(loadedWhole(name), name).toBe(false);
    expect(loadedWhole('@tensorflow/tfjs-core')).toBe(true);

    const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
    const photo = decodeImage(readFileSync(join(fixtures, 'penny', '2.png')));
    const [face] = await engine.detectAll(resize(pad(photo, 0.8), 640, 480));
    expect(face!.descriptor).toHaveLength(128);
    const score = await engine.passiveLiveness(resize(pad(photo, 0.8), 640, 480), face!.box);
    expect(score).toBeGreaterThan(0);
    // Once tfjs is loaded, asking again changes nothing.
    expect(preferLeanTfjs(require)).toBe(false);
  });
});
