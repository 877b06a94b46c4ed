/**
 * The monitoring endpoint over real HTTP: three fixed GET paths, everything else refused
 * without reading a body, headers bounded.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KioskMetrics } from './metrics.ts';
import { startMetricsServer, type RunningMetricsServer } from './metrics-server.ts';

let server: RunningMetricsServer;
const logged: string[] = [];

beforeEach(async () => {
  const metrics = new KioskMetrics({ version: '0.1.0', kioskId: 'KIOSK-01' });
  server = await startMetricsServer({ metrics, port: 0, log: (event) => logged.push(event) });
});
afterEach(() => server.stop());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server.url),
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('metrics server', () => {
  it('listens on loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(logged).toContain('metrics.listening');
  });

  it('answers /healthz while the process runs, /readyz 503 naming what is not ready', async () => {
    expect(await call('/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}\n' });
    const ready = await call('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ ready: false, notReady: ['host'] });
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const answer = await call('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.body).toContain('kiosk_build_info{version="0.1.0",kiosk_id="KIOSK-01"} 1');
    expect(answer.body).toContain('# TYPE kiosk_payments_total counter');
    // A query string, as some scrapers add, names the same path.
    expect((await call('/metrics?format=text')).status).toBe(200);
  });

  it('refuses anything but GET of the three paths, without reading a body', async () => {
    const post = await call('/metrics', { method: 'POST', body: 'x'.repeat(100_000) });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(post.headers.connection).toBe('close');
    expect((await call('/metrics', { method: 'DELETE' })).status).toBe(405);
    expect((await call('/')).status).toBe(404);
    expect((await call('/metrics/extra')).status).toBe(404);
    expect((await call('/healthz' + '?' + 'a'.repeat(300))).status).toBe(404);
    const hugeHeader = await call('/healthz', { headers: { 'x-big': 'y'.repeat(20_000) } });
    expect(hugeHeader.status).toBe(431);
  });
});
