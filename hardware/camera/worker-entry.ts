/**
 * How a worker thread is started, for the face engine's pool and the camera's image decoder:
 * from source (tsx, Vitest) the worker registers tsx's loader and then imports the .ts entry
 * (Node 20 does not apply an `--import`ed loader to a worker's own entry file); in the Electron
 * build it is the bundled `<name>.cjs` beside main.cjs (scripts/build-electron.mjs).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** `from` is the caller's import.meta.url: the worker's file sits beside the caller's. */
export function workerEntry(from: string, name: string): { script: string | URL; eval: boolean } {
  if (from.endsWith('.ts')) {
    // tsx's ESM API, by path: its exports map sends require() to a CommonJS build that
    // cannot register the ESM loader.
    const tsx = pathToFileURL(
      join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
    ).href;
    const entry = new URL(`./${name}.ts`, from).href;
    return {
      script: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
      eval: true,
    };
  }
  return { script: new URL(`./${name}.cjs`, from), eval: false };
}
