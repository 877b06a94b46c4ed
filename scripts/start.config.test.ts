/**
 * `npm start -- --config FILE` with a file the kiosk refuses, as a newcomer meets it: one plain
 * line naming the file and the field on stderr, no stack, a non-zero exit, and nothing started.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-start-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(config: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/start.ts',
      '--web',
      '--headless',
      '--port',
      '0',
      '--config',
      config,
      '--data',
      join(dir, 'data'),
    ],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

describe('npm start with a configuration it refuses', () => {
  it('prints one line naming the file and the field, and exits 2', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ gateway: { url: 5 } }));
    const { code, out, err } = await start(config);
    expect(code).toBe(2);
    expect(err).toBe(
      `kiosk: configuration error in ${config}: gateway.url: expected string, received number\n`,
    );
    expect(out).toBe('');
  }, 60_000);
});
