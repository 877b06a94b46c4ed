import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freshBuild, workerEntry } from './worker-entry.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A project as the build leaves it: package.json, the sources, the bundle and its list. */
function project(o: { list?: unknown; sourceAge: number; bundleAge: number }) {
  dir = mkdtempSync(join(tmpdir(), 'worker-entry-'));
  const at = (path: string, ageS: number, text = '') => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    const t = Date.now() / 1000 - ageS;
    utimesSync(path, t, t);
  };
  at(join(dir, 'package.json'), 1000, '{}');
  at(join(dir, 'face', 'face-worker.ts'), o.sourceAge);
  at(join(dir, 'core', 'errors.ts'), 500);
  at(join(dir, 'dist', 'electron', 'face-worker.cjs'), o.bundleAge);
  if (o.list !== undefined)
    at(join(dir, 'dist', 'electron', 'face-worker.sources.json'), 0, JSON.stringify(o.list));
  return pathToFileURL(join(dir, 'face', 'face-engine-pool.ts')).href;
}
const sources = ['core/errors.ts', 'face/face-worker.ts'];

describe('a worker started from source', () => {
  it('runs the built bundle while it is newer than every file it was made from', () => {
    const from = project({ list: sources, sourceAge: 300, bundleAge: 100 });
    const bundle = pathToFileURL(join(dir, 'dist', 'electron', 'face-worker.cjs'));
    expect(workerEntry(from, 'face-worker')).toEqual({ script: bundle, eval: false, execArgv: [] });
  });

  it('a process started from a string starts its workers, from the build or from source', async () => {
    // The bench's probes run as `node <the kiosk's V8 flags> --input-type=module -e`; Node
    // refuses those options for a worker whose entry is a file (the build's bundle, when
    // fresh). The real image decoder's worker, started from such a process, decodes a frame.
    const { execFileSync } = await import('node:child_process');
    const decoder = new URL('./image-decoder.ts', import.meta.url).href;
    const image = new URL('./image.ts', import.meta.url).href;
    const out = execFileSync(
      process.execPath,
      [
        '--max-semi-space-size=2', // a V8 flag, as the kiosk's launchers pass (host/node-flags.ts)
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { ImageDecoder } = await import(${JSON.stringify(decoder)});
         const { cameraFrameLimits, toJpeg } = await import(${JSON.stringify(image)});
         const d = new ImageDecoder({ timeoutMs: 30000 });
         const f = await d.decode(toJpeg({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3) }), cameraFrameLimits());
         await d.stop();
         process.stdout.write(f.width + 'x' + f.height);`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe('64x48');
    dir = mkdtempSync(join(tmpdir(), 'worker-entry-')); // for afterEach
  }, 60_000);

  it('runs the source through tsx once a file is edited after the build', () => {
    const from = project({ list: sources, sourceAge: 50, bundleAge: 100 });
    expect(freshBuild(from, 'face-worker')).toBeUndefined();
    const entry = workerEntry(from, 'face-worker');
    expect(entry.eval).toBe(true);
    expect(entry.script).toContain('tsx.register()');
    expect(entry.script).toContain(pathToFileURL(join(dir, 'face', 'face-worker.ts')).href);
  });

  it('runs the source when the list is missing, empty, not a list, too large, or names a file gone', () => {
    const huge = Array.from({ length: 5000 }, () => 'core/errors.ts'); // over 64 KB
    for (const list of [
      huge,
      undefined,
      [],
      { files: sources },
      [...sources, 'face/gone.ts'],
      ['../x'],
    ]) {
      const from = project({ list, sourceAge: 300, bundleAge: 100 });
      expect(freshBuild(from, 'face-worker'), JSON.stringify(list)).toBeUndefined();
      rmSync(dir, { recursive: true, force: true });
    }
    dir = mkdtempSync(join(tmpdir(), 'worker-entry-')); // for afterEach
  });

  it('in the Electron build, the .cjs beside the caller', () => {
    dir = mkdtempSync(join(tmpdir(), 'worker-entry-'));
    expect(workerEntry('file:///opt/kiosk/dist/electron/main.cjs', 'face-worker')).toEqual({
      script: new URL('file:///opt/kiosk/dist/electron/face-worker.cjs'),
      eval: false,
    });
  });
});
