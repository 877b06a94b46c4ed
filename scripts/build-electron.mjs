// Bundles the Electron main and preload scripts into dist/electron/*.cjs. Packages stay external
// (electron-builder ships node_modules and rebuilds native ones for Electron's ABI).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [
  'electron',
  ...Object.keys(pkg.dependencies),
  ...Object.keys(pkg.optionalDependencies ?? {}),
];
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // ESM's import.meta.url, for code shared with the ESM host, in a CommonJS bundle.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};
await build({
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: 'dist/electron/main.cjs',
  external,
});
/**
 * A worker thread's bundle, with the list of project files it was made from beside it
 * (`<name>.sources.json`): run from source, hardware/camera/worker-entry.ts starts the bundle
 * instead of the .ts through tsx while it is newer than all of them.
 */
async function buildWorker(entry, name) {
  const { metafile } = await build({
    ...common,
    entryPoints: [entry],
    outfile: `dist/electron/${name}.cjs`,
    external,
    metafile: true,
  });
  const sources = Object.keys(metafile.inputs)
    .filter((path) => !path.startsWith('node_modules/'))
    .sort();
  writeFileSync(`dist/electron/${name}.sources.json`, JSON.stringify(sources, null, 1) + '\n');
}
// The face engine's worker thread, which the host's FaceEnginePool starts beside main.cjs.
await buildWorker('face/face-worker.ts', 'face-worker');
// The worker that decodes the renderer's camera frames off the host's thread
// (hardware/camera/image-decoder.ts starts it beside main.cjs).
await buildWorker('hardware/camera/image-decode-worker.ts', 'image-decode-worker');
// The preload runs sandboxed: only 'electron' may be required, so zod and core are bundled in.
await build({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  external: ['electron'],
});
console.log('electron main, face and image-decode workers and preload built');
