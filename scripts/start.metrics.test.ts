/**
 * `npm start -- --headless --port N --metrics-port M` as hospital IT runs it: a separate process,
 * its monitoring endpoint on M with the simulated printer ready, stopped cleanly by SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';

const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
};
const dir = mkdtempSync(join(tmpdir(), 'kiosk-start-metrics-'));
let kiosk: ChildProcess | undefined;

afterAll(async () => {
  if (kiosk && kiosk.exitCode === null && kiosk.signalCode === null) {
    const exited = new Promise((resolve) => kiosk!.once('exit', resolve));
    kiosk.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function start(...args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts', '--headless', '--port', '0', ...args],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('npm start --metrics-port', () => {
  it('refuses a metrics port that is not a port number', async () => {
    const child = start('--metrics-port', '70000', '--data', join(dir, 'refused'));
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    expect(await exitOf(child)).toBe(2);
    expect(out).not.toContain('web mode at');
  });

  it('serves /healthz and /metrics on the given port, and stops on SIGTERM', async () => {
    const port = await freePort();
    kiosk = start('--metrics-port', String(port), '--data', join(dir, 'kiosk'));
    const exited = exitOf(kiosk);
    const base = `http://127.0.0.1:${port}`;
    const until = Date.now() + 120_000;
    let health: Response | undefined;
    while (!health) {
      if (Date.now() > until) throw new Error('the metrics port never answered');
      if (kiosk.exitCode !== null) throw new Error(`the kiosk exited ${kiosk.exitCode}`);
      health = await fetch(`${base}/healthz`).catch(() => undefined);
      if (!health) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('kiosk_device_ready{device="printer"} 1');
    expect(metrics).toContain(`kiosk_build_info{version="${version}",kiosk_id="KIOSK-01"} 1`);
    // The process's own metrics come with it under npm start.
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    kiosk.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 150_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
