import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'image-decoder-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The build script's settings: CommonJS, packages external, import.meta.url from __filename. */
function buildSettings(external: string[]) {
  return {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    logLevel: 'warning' as const,
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
    external,
    absWorkingDir: new URL('.', root).pathname,
  };
}

/** The camera's frame decoder starts its worker beside main.cjs; this build must put it there. */
describe('image decoder in the Electron build', () => {
  it('scripts/build-electron.mjs bundles the worker beside main.cjs, where the decoder looks', () => {
    const script = readFileSync(new URL('scripts/build-electron.mjs', root), 'utf8');
    expect(script).toContain(
      "buildWorker('hardware/camera/image-decode-worker.ts', 'image-decode-worker')",
    );
    expect(script).toContain('outfile: `dist/electron/${name}.cjs`');
    // The decoder names its worker; worker-entry.ts looks for `<name>.cjs` beside the caller.
    const decoder = readFileSync(new URL('hardware/camera/image-decoder.ts', root), 'utf8');
    expect(decoder).toContain("workerEntry(import.meta.url, 'image-decode-worker')");
    const entry = readFileSync(new URL('hardware/camera/worker-entry.ts', root), 'utf8');
    expect(entry).toContain('new URL(`./${name}.cjs`, from)');
  });

  it('bundled as CommonJS the way that script does, a main file finds its worker and decodes', async () => {
    const common = {
      ...buildSettings(['pngjs', 'jpeg-js', 'zod']),
      nodePaths: [new URL('node_modules', root).pathname],
    };
    const entry = join(dir, 'main.ts');
    writeFileSync(
      entry,
      `import { ImageDecoder } from ${JSON.stringify(new URL('hardware/camera/image-decoder.ts', root).pathname)};
import { cameraFrameLimits, toJpeg } from ${JSON.stringify(new URL('hardware/camera/image.ts', root).pathname)};
export async function run() {
  const decoder = new ImageDecoder({ timeoutMs: 30_000 });
  const frame = await decoder.decode(toJpeg({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3) }), cameraFrameLimits());
  await decoder.stop();
  return frame.width + 'x' + frame.height;
}`,
    );
    await build({ ...common, entryPoints: [entry], outfile: join(dir, 'main.cjs') });
    await build({
      ...common,
      entryPoints: ['hardware/camera/image-decode-worker.ts'],
      outfile: join(dir, 'image-decode-worker.cjs'),
    });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', `require(${JSON.stringify(join(dir, 'main.cjs'))}).run().then((s) => console.log(s))`],
      {
        cwd: new URL('.', root).pathname,
        env: { ...process.env, NODE_PATH: new URL('node_modules', root).pathname },
      },
    );
    expect(stdout.trim()).toBe('64x48');
  }, 60_000);
});

/**
 * In the Electron build the host's code runs from dist/electron/*.cjs, two folders below the
 * package, not one as from source: what it finds beside package.json (the models, the
 * simulator's world) must still be found. Bundled the way the build script does, into a folder
 * under the project as the packaged app has it, the face worker loads its nets and the main
 * file loads the simulator's scenario.
 */
describe('the Electron build finds the files shipped beside package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  mkdirSync(new URL('dist', root), { recursive: true });
  const out = mkdtempSync(join(new URL('dist', root).pathname, '.bundle-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const common = buildSettings(['electron', ...Object.keys(pkg.dependencies)]);

  it('the face worker loads every net from models/, and the simulator its default world', async () => {
    const electronDir = join(out, 'electron');
    await build({
      ...common,
      entryPoints: ['face/face-worker.ts'],
      outfile: join(electronDir, 'face-worker.cjs'),
    });
    const main = join(out, 'main.ts');
    writeFileSync(
      main,
      `import { Worker } from 'node:worker_threads';
import { loadScenario } from ${JSON.stringify(new URL('gateway/simulator/scenario.ts', root).pathname)};
export function run(): Promise<string> {
  const patients = loadScenario().patients.length;
  const worker = new Worker(__dirname + '/face-worker.cjs', { workerData: { preferNative: false } });
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: { nets: string[] }) => {
      void worker.terminate();
      resolve(patients + ' patients; ' + m.nets.join(' '));
    });
  });
}`,
    );
    await build({ ...common, entryPoints: [main], outfile: join(electronDir, 'main.cjs') });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(join(electronDir, 'main.cjs'))}).run().then((s) => console.log(s), (e) => { console.log('failed: ' + e.message); })`,
      ],
      { cwd: new URL('.', root).pathname },
    );
    expect(stdout.trim()).toMatch(
      /^[1-9]\d* patients; ssd_mobilenetv1 face_landmark_68 face_recognition/,
    );
  }, 90_000);
});
