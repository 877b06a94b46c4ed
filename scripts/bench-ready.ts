/**
 * Whole-kiosk bench parts that run other processes (issue 17): time to ready of
 * `npm start -- --headless` (cold: a fresh data folder, so the faces are enrolled; warm: the
 * second start on it), the kiosk's resident memory once ready, the face workers' memory, and the
 * payment bench (bench-kiosk.ts) in a process of its own. Every child is bounded in time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { KIOSK_NODE_FLAGS } from '../host/node-flags.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../face/face-engine.ts';
import { drivenScenario } from '../host/testing/kiosk-payments.ts';
import { round2 } from './bench-util.ts';

/** The phone payer has no account balance: the part the fund does not pay is paid by phone. */
export const PHONE_PAYER = 'P0003';
export const benchScenario = () => drivenScenario({ faces: true, emptyAccounts: [PHONE_PAYER] });

const tsxNode = (args: string[], extra: string[] = []) =>
  spawn(process.execPath, [...KIOSK_NODE_FLAGS, ...extra, '--import', 'tsx', ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Stops a child: SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A Linux process's resident memory now and at its peak (VmHWM), and its threads, from /proc. */
function procStatus(pid: number): { rss_mb: number; peak_rss_mb: number; threads: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return {
    rss_mb: round2(field('VmRSS') / 1024),
    peak_rss_mb: round2(field('VmHWM') / 1024),
    threads: field('Threads'),
  };
}

export interface ReadyRun {
  readyMs: number;
  /** When each start-up step was logged, in ms after the spawn. */
  steps: Record<string, number>;
  memory: ReturnType<typeof procStatus>;
}

/** Start-up steps named in the kiosk's log, in the order they happen. */
const STEPS = [
  'gateway.simulator.started',
  'face.engine.loaded',
  'face.gallery.enrolled',
  'face.gallery.cached',
  'face.gallery.unchanged',
];

/**
 * `npm start -- --headless` without its build step (the renderer build is its own figure in
 * the issue, and `npm run build` is not run here): spawn to "web mode at" on stdout.
 */
export async function timeReady(
  dataDir: string,
  scenarioFile: string,
  timeoutMs: number,
): Promise<ReadyRun> {
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = tsxNode([
    'scripts/start.ts',
    '--headless',
    '--port',
    '0',
    '--data',
    dataDir,
    '--scenario',
    scenarioFile,
  ]);
  const steps: Record<string, number> = {};
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    let newline: number;
    while ((newline = err.indexOf('\n')) >= 0) {
      const line = err.slice(0, newline);
      err = err.slice(newline + 1);
      try {
        const { time, event } = JSON.parse(line) as { time: string; event: string };
        steps.first_log_line ??= Date.parse(time) - spawnedAt;
        if (STEPS.includes(event)) steps[event] ??= Date.parse(time) - spawnedAt;
      } catch {
        // not a log line (a warning from Node): not a step
      }
    }
  });
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs} ms`)), timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('kiosk: web mode at')) {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the kiosk exited with ${code} before it was ready`));
      });
    });
    return { readyMs, steps, memory: procStatus(child.pid!) };
  } finally {
    await stopChild(child);
  }
}

/**
 * Resident memory one face worker adds (each holds its own copy of the nets): a fresh process,
 * then a pool of one worker, then a second pool of one; models loaded, before any frame.
 */
export async function faceWorkerRss(
  timeoutMs: number,
): Promise<{ before: number; one: number; two: number }> {
  const pool = new URL('../face/face-engine-pool.ts', import.meta.url).href;
  const code = `
    const { FaceEnginePool } = await import(${JSON.stringify(pool)});
    const rss = () => process.memoryUsage().rss / 1048576;
    const before = rss();
    const a = await FaceEnginePool.start({ size: 1 });
    const one = rss();
    const b = await FaceEnginePool.start({ size: 1 });
    const two = rss();
    console.log(JSON.stringify({ before, one, two }));
    await a.close();
    await b.close();`;
  const child = tsxNode(['--input-type=module', '-e', code]);
  try {
    const out = await collect(child, timeoutMs);
    return JSON.parse(out.trim().split('\n').at(-1)!) as {
      before: number;
      one: number;
      two: number;
    };
  } finally {
    await stopChild(child);
  }
}

/** Runs the payment bench in its own process, passing its JSON lines through. */
export async function paymentBench(
  dataDir: string,
  baselineMs: number,
  payments: number,
  timeoutMs: number,
): Promise<void> {
  const child = tsxNode(
    [join('scripts', 'bench-kiosk.ts'), dataDir, String(baselineMs), String(payments)],
    ['--expose-gc'],
  );
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  try {
    await collect(child, timeoutMs);
  } finally {
    await stopChild(child);
  }
}

/** A child's stdout once it exits with 0; an error if it fails or outlives `timeoutMs`. */
function collect(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let errText = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on(
      'data',
      (chunk: Buffer) => (errText = (errText + chunk.toString()).slice(-2000)),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench child still running after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`bench child exited with ${code}: ${errText}`));
    });
  });
}
