/**
 * A kiosk host in simulator mode with its monitoring endpoint, watched by a real Prometheus
 * (Debian's `prometheus`): /healthz and /readyz answer, /metrics shows the simulated devices
 * ready, a face identification, a paid bill and a staff call are counted from the host's own log
 * events, and Prometheus scrapes them and gives them back through its query API.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import type { SessionView } from '../core/kiosk-api.ts';
import { KioskHost } from './kiosk-host.ts';
import { KioskMetrics } from './metrics.ts';
import { monitorKiosk, type RunningMetricsServer } from './metrics-server.ts';

const clock = { now: () => new Date() };
const config = parseConfig({ kioskId: 'LOBBY-07', language: 'en' });
const prometheusMissing = spawnSync('prometheus', ['--version']).status !== 0;

let dir: string;
let host: KioskHost;
let monitoring: RunningMetricsServer;
let prometheus: ChildProcess | undefined;
const events: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-metrics-'));
  const metrics = new KioskMetrics({ version: '0.1.0', kioskId: config.kioskId });
  const log = metrics.observe((event) => events.push(event));
  host = await KioskHost.start({ config, dataDir: join(dir, 'kiosk'), log, clock });
  monitoring = await monitorKiosk({ metrics, host, config, clock, port: 0, log });
});
afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await monitoring?.stop();
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(new URL(path, monitoring.url));
  return { status: res.status, body: await res.text() };
}

/** Polls until `probe` returns a value (not undefined), or fails after the timeout. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function nextView(screen: SessionView['screen'] | SessionView['screen'][]) {
  const wanted = Array.isArray(screen) ? screen : [screen];
  return eventually(
    `the ${wanted.join(' or ')} screen`,
    async () => {
      const view = host.session.view();
      return wanted.includes(view.screen) ? view : undefined;
    },
    60_000,
  );
}

describe('monitoring a simulator kiosk', () => {
  it('answers /healthz and /readyz, and /metrics has the simulated devices ready', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: '{"status":"ok"}\n' });
    const ready = await get('/readyz');
    expect(ready.status, ready.body).toBe(200);
    const { body } = await get('/metrics');
    expect(body).toContain('kiosk_device_ready{device="printer"} 1');
    expect(body).toContain('kiosk_device_ready{device="camera"} 1');
    expect(body).toContain('kiosk_device_ready{device="scanner"} 1');
    expect(body).toContain('kiosk_gateway_reachable 1');
    expect(body).toContain('kiosk_face_ready 1');
    expect(body).toContain('kiosk_payments_in_doubt 0');
    expect(body).toContain('kiosk_build_info{version="0.1.0",kiosk_id="LOBBY-07"} 1');
  });

  it('counts an identification, a paid bill and a staff call from the host as they happen', async () => {
    const sims = host.simulators!;
    sims.camera!.setScene({ kind: 'person', person: 'sheldon', photo: '3.png' });
    host.session.payWithFace();
    host.session.answerConsent(true);
    await eventually('the face identification', async () =>
      events.includes('face.identify') ? true : undefined,
    );
    host.session.cancel();
    await nextView('home');

    // Stuart shows his e-voucher QR and pays his bill's cash part by phone.
    host.session.scan(`424${String(8).padStart(17, '0')}00110000`);
    const bills = await nextView('bills');
    host.session.selectBill(bills.screen === 'bills' ? bills.bills[0]!.id : '');
    await nextView('review');
    host.session.confirmPayment();
    await nextView('choose-cash');
    host.session.chooseCashMethod('mobile');
    await nextView('paying-cash');
    sims.gateway.payOrder(sims.gateway.store.orders.latestPending()!.order_no, 'wechat');
    await nextView('done');
    host.session.callStaff();

    const { body } = await get('/metrics');
    expect(body).toContain('kiosk_payments_total{outcome="settled"} 1');
    expect(body).toContain('kiosk_staff_calls_total 1');
    expect(body).toContain('kiosk_staff_call_pending 1');
    expect(body).toMatch(/kiosk_face_identify_seconds_count\{result="[a-z-]+"\} 1/);
    // The face worker that identified him reports its memory, the WASM heap past its loaded nets.
    const wasm = /kiosk_face_worker_memory_bytes\{worker="0",nets="all",kind="wasm"\} (\d+)/.exec(
      body,
    );
    expect(Number(wasm?.[1])).toBeGreaterThan(32 * 2 ** 20);
    expect(body).toMatch(
      /kiosk_face_worker_memory_bytes\{worker="0",nets="all",kind="js_heap"\} [1-9]/,
    );
    // No patient in any label or value line: Stuart's name and ID number appear nowhere.
    expect(body).not.toMatch(/stuart|110105|\d{17}[\dX]/i);
  });

  it('/readyz names the gateway while it is unreachable', async () => {
    const gateway = host.simulators!.gateway;
    await gateway.stop();
    try {
      const notReady = await eventually('/readyz to name the gateway', async () => {
        const answer = await get('/readyz');
        return answer.status === 503 ? answer.body : undefined;
      });
      expect(JSON.parse(notReady)).toEqual({ ready: false, notReady: ['gateway'] });
    } finally {
      await gateway.start();
    }
    await eventually('/readyz to recover', async () =>
      (await get('/readyz')).status === 200 ? true : undefined,
    );
  });

  it.skipIf(prometheusMissing)(
    'a real Prometheus scrapes the kiosk and answers queries about it',
    async () => {
      const promDir = join(dir, 'prometheus');
      mkdirSync(promDir);
      const target = new URL(monitoring.url).host;
      writeFileSync(
        join(promDir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
          'scrape_configs:',
          '  - job_name: kiosk',
          `    static_configs: [{ targets: ['${target}'] }]`,
          '',
        ].join('\n'),
      );
      const port = await freePort();
      prometheus = spawn(
        'prometheus',
        [
          `--config.file=${join(promDir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(promDir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      const query = async (promql: string) => {
        const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`;
        const answer = (await (await fetch(url)).json()) as {
          status: string;
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return answer.status === 'success' && answer.data.result.length > 0
          ? answer.data.result
          : undefined;
      };
      const info = await eventually('kiosk_build_info in Prometheus', () =>
        query('kiosk_build_info'),
      );
      expect(info[0]!.metric).toMatchObject({
        __name__: 'kiosk_build_info',
        job: 'kiosk',
        instance: target,
        kiosk_id: 'LOBBY-07',
        version: '0.1.0',
      });
      expect(info[0]!.value[1]).toBe('1');
      const printer = await eventually('the printer in Prometheus', () =>
        query('kiosk_device_ready{device="printer"}'),
      );
      expect(printer[0]!.value[1]).toBe('1');
      const up = await eventually('up in Prometheus', () => query('up{job="kiosk"}'));
      expect(up[0]!.value[1]).toBe('1');
    },
    90_000,
  );
  if (prometheusMissing)
    it.skip('skipped: prometheus is not installed (Debian package prometheus)', () => undefined);
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
