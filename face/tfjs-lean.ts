/**
 * face-api's Node builds require the whole `@tensorflow/tfjs` union, which loads layers, data,
 * and the CPU and WebGL backends (3 MB of source, about 20 MB of JS heap in every isolate that
 * loads them: each face worker), although the engine only runs core ops on the WASM backend and,
 * for the passive liveness nets, the converter's graph models. The union itself is kept (it
 * registers the chained tensor methods face-api calls, `t.as3D()`...); only those four packages'
 * entries in the module cache are filled with empty modules before it loads. Measured in
 * docs/performance.md.
 *
 * Node documents adding entries to `require.cache`. Nothing changes when the union is already
 * loaded (somebody needed all of it first): the engine then shares it whole.
 */
import Module, { type createRequire } from 'node:module';

type Require = ReturnType<typeof createRequire>;

/** What the union brings that the face engine never runs. */
export const UNUSED_TFJS = [
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-data',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
] as const;

/** True when the union will load without the unused packages; false when it was loaded whole. */
export function preferLeanTfjs(require: Require): boolean {
  if (require.cache[require.resolve('@tensorflow/tfjs')]) return false;
  // Resolved from the union, as its own require() will resolve them.
  const fromUnion = Module.createRequire(require.resolve('@tensorflow/tfjs'));
  for (const name of UNUSED_TFJS) {
    const path = fromUnion.resolve(name);
    if (require.cache[path]) continue;
    const entry = new Module(path);
    entry.filename = path;
    entry.loaded = true;
    entry.exports = {};
    require.cache[path] = entry;
  }
  return true;
}
