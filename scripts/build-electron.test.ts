import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'image-decoder-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The camera's frame decoder starts its worker beside main.cjs; this build must put it there. */
describe('image decoder in the Electron build', () => {
  it('scripts/build-electron.mjs bundles the worker beside main.cjs, where the decoder looks', () => {
    const script = readFileSync(new URL('scripts/build-electron.mjs', root), 'utf8');
    expect(script).toMatch(
      /entryPoints: \['hardware\/camera\/image-decode-worker\.ts'\],\s*outfile: 'dist\/electron\/image-decode-worker\.cjs'/,
    );
    // The decoder names its worker; worker-entry.ts looks for `<name>.cjs` beside the caller.
    const decoder = readFileSync(new URL('hardware/camera/image-decoder.ts', root), 'utf8');
    expect(decoder).toContain("workerEntry(import.meta.url, 'image-decode-worker')");
    const entry = readFileSync(new URL('hardware/camera/worker-entry.ts', root), 'utf8');
    expect(entry).toContain('new URL(`./${name}.cjs`, from)');
  });

  it('bundled as CommonJS the way that script does, a main file finds its worker and decodes', async () => {
    // The build script's settings: CommonJS, packages external, import.meta.url from __filename.
    const common = {
      bundle: true,
      platform: 'node' as const,
      format: 'cjs' as const,
      target: 'node20',
      logLevel: 'warning' as const,
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      define: { 'import.meta.url': '__importMetaUrl' },
      external: ['pngjs', 'jpeg-js', 'zod'],
      absWorkingDir: new URL('.', root).pathname,
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
