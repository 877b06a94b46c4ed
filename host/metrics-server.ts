/**
 * The monitoring endpoint, on its own port apart from the kiosk's web server: `/healthz` (the
 * process is alive and its event loop answers), `/readyz` (devices, gateway and face engine
 * ready; 503 naming what is not) and `/metrics` (Prometheus text format). GET only, three fixed
 * paths, no request body ever read, headers and time bounded; loopback unless configured.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KioskConfig } from '../core/config.ts';
import type { Clock } from '../core/domain.ts';
import type { LogFn } from '../core/ports.ts';
import type { KioskHost } from './kiosk-host.ts';
import { GatewayProbe, type KioskMetrics } from './metrics.ts';

export interface MetricsServerOptions {
  metrics: KioskMetrics;
  port: number;
  /** The address to listen on; 127.0.0.1 unless the configuration says otherwise. */
  host?: string;
  log: LogFn;
}

export interface RunningMetricsServer {
  /** http://host:port/ */
  url: string;
  stop(): Promise<void>;
}

const MAX_URL_LENGTH = 256;

export async function startMetricsServer(o: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server = createServer({ maxHeaderSize: 8192, requestTimeout: 10_000 }, (req, res) => {
    void answer(o, req, res).catch((error: unknown) => {
      o.log('metrics.error', { error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 30_000;
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  o.log('metrics.listening', { url });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(
  o: MetricsServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '';
  const path = url.length > MAX_URL_LENGTH ? '' : url.split('?', 1)[0];
  if (req.method !== 'GET') {
    // Whatever body came is never read: the connection is closed after this answer.
    res.setHeader('allow', 'GET');
    res.setHeader('connection', 'close');
    send(res, 405, 'text/plain', 'method not allowed\n');
    return;
  }
  switch (path) {
    case '/healthz':
      send(res, 200, 'application/json', '{"status":"ok"}\n');
      return;
    case '/readyz': {
      const readiness = await o.metrics.readiness();
      send(res, readiness.ready ? 200 : 503, 'application/json', JSON.stringify(readiness) + '\n');
      return;
    }
    case '/metrics':
      send(res, 200, o.metrics.registry.contentType, await o.metrics.registry.metrics());
      return;
    default:
      send(res, 404, 'text/plain', 'not found\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

/**
 * Points the metrics at a started host and serves them: what `npm start -- --metrics-port`
 * does, and the integration test the same way. The gateway checked is the configured one in
 * production and the embedded simulator otherwise.
 */
export async function monitorKiosk(o: {
  metrics: KioskMetrics;
  host: KioskHost;
  config: KioskConfig;
  clock: Clock;
  port: number;
  bind?: string;
  log: LogFn;
}): Promise<RunningMetricsServer> {
  const gatewayUrl = o.host.simulators?.gateway.url ?? o.config.gateway.url;
  if (gatewayUrl === undefined) throw new Error('no gateway address to monitor');
  o.metrics.attach(o.host.monitored(), new GatewayProbe(gatewayUrl, { clock: o.clock }));
  return startMetricsServer({
    metrics: o.metrics,
    port: o.port,
    host: o.bind ?? o.config.metrics.host,
    log: o.log,
  });
}
