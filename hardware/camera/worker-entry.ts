/**
 * How a worker thread is started, for the face engine's pool and the camera's image decoder:
 * in the Electron build it is the bundled `<name>.cjs` beside main.cjs
 * (scripts/build-electron.mjs). From source (tsx, Vitest) it is that same bundle while
 * `npm run build` has made it from the sources as they are now (freshBuild); otherwise the
 * worker registers tsx's loader and then imports the .ts entry (Node 20 does not apply an
 * `--import`ed loader to a worker's own entry file). The bundle spares each worker tsx's loader:
 * about 14 MB of its heap, and the transforms at every start (docs/performance.md).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** What `new Worker(script, { eval, execArgv })` takes to start the worker. */
export interface WorkerEntry {
  script: string | URL;
  eval: boolean;
  /** Node's options for it, when this process's must not be inherited. */
  execArgv?: string[];
}

/** `from` is the caller's import.meta.url: the worker's file sits beside the caller's. */
export function workerEntry(from: string, name: string): WorkerEntry {
  if (from.endsWith('.ts')) {
    const built = freshBuild(from, name);
    // The bundle needs none of this process's Node options (tsx's loader included), and some
    // cannot be passed on: `-e`/`--input-type` of a process started from a string (the bench's
    // probes) are refused for a worker started from a file, and V8 flags are refused outright.
    if (built) return { script: built, eval: false, execArgv: [] };
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

/**
 * The build's `dist/electron/<name>.cjs` under the folder with package.json, when it is newer
 * than every project file the build lists it was made from (`<name>.sources.json`): an edit not
 * yet built, a missing or unreadable list, anything in doubt, and the worker runs from source.
 */
export function freshBuild(from: string, name: string): URL | undefined {
  try {
    const root = packageRoot(dirname(fileURLToPath(from)));
    if (!root) return undefined;
    const bundle = join(root, 'dist', 'electron', `${name}.cjs`);
    const builtAt = statSync(bundle).mtimeMs;
    const listFile = join(root, 'dist', 'electron', `${name}.sources.json`);
    // The build writes a few hundred bytes; anything far larger is not its list.
    if (statSync(listFile).size > MAX_SOURCES_LIST_BYTES) return undefined;
    const listed: unknown = JSON.parse(readFileSync(listFile, 'utf8'));
    if (!Array.isArray(listed) || listed.length === 0) return undefined;
    for (const source of listed) {
      if (typeof source !== 'string' || source.startsWith('..')) return undefined;
      if (statSync(join(root, source)).mtimeMs > builtAt) return undefined;
    }
    return pathToFileURL(bundle);
  } catch {
    return undefined; // no build, or a file gone since: from source
  }
}

const MAX_SOURCES_LIST_BYTES = 64 * 1024;

/**
 * The nearest folder at or above `dir` with a package.json: the project's root, whether this
 * code runs from source or from dist/electron/*.cjs (one folder deeper). Undefined if none.
 */
export function packageRoot(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) return undefined;
  }
}
