/**
 * Web mode: the kiosk host serves the built renderer and KioskApi over a WebSocket, on loopback
 * only. The socket is refused unless it carries this launch's random token (written into the
 * page it serves) and comes from the page's own origin, so no other web page or local process
 * that has not read our page can drive the kiosk. Every call is validated like an IPC call.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatchKioskCall, kioskEventNames } from '../core/kiosk-api.ts';
import type { KioskService } from '../core/kiosk-service-from.ts';
import type { LogFn } from '../core/ports.ts';
import {
  MAX_MESSAGE_BYTES,
  WS_PATH,
  clientMessageSchema,
  type ServerMessage,
} from '../core/ws-protocol.ts';
import { contentTypes } from './static-files.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:*",
  "media-src 'self' mediastream:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export interface WebServerOptions {
  service: KioskService;
  staticDir: string;
  token: string;
  log: LogFn;
  port: number;
  /** Extra HTTP routes (the simulator control API); return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class KioskWebServer {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly o: WebServerOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.route(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => socket.destroy());
      if (!this.acceptUpgrade(req)) {
        socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
    this.wss = wss;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private acceptUpgrade(req: IncomingMessage): boolean {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      this.o.log('ws.refused', { reason: 'url' });
      return false;
    }
    if (url.pathname !== WS_PATH) return false;
    const origin = req.headers.origin;
    const ownOrigins = [`http://127.0.0.1:${this.port}`, `http://localhost:${this.port}`];
    if (!origin || !ownOrigins.includes(origin)) {
      this.o.log('ws.refused', { reason: 'origin' });
      return false;
    }
    if (!tokensEqual(url.searchParams.get('token') ?? '', this.o.token)) {
      this.o.log('ws.refused', { reason: 'token' });
      return false;
    }
    return true;
  }

  private serve(ws: WebSocket): void {
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const unsubscribers = kioskEventNames.map((event) =>
      this.o.service.subscribe(event, (payload) => send({ type: 'event', event, payload })),
    );
    ws.on('close', () => unsubscribers.forEach((u) => u()));
    // A message over the limit or a broken frame is an error on this socket only: ws closes it
    // (1009 / 1002) and the kiosk goes on serving everyone else.
    ws.on('error', (error) => {
      this.o.log('ws.error', { error: error.message.slice(0, 80) });
    });
    ws.on('message', (raw) => {
      let message;
      try {
        message = clientMessageSchema.parse(JSON.parse(String(raw)));
      } catch {
        this.o.log('ws.bad-message', {});
        ws.close(1008, 'bad message');
        return;
      }
      const { id, method, args } = message;
      dispatchKioskCall(this.o.service, method, args).then(
        (value) => send({ type: 'result', id, ok: true, value }),
        (error: unknown) =>
          send({
            type: 'result',
            id,
            ok: false,
            error: error instanceof Error ? error.message.slice(0, 300) : 'failed',
          }),
      );
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.o.extraRoutes && (await this.o.extraRoutes(req, res))) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
      const file = normalize(join(this.o.staticDir, relative));
      if (!file.startsWith(normalize(this.o.staticDir) + sep)) {
        res.writeHead(404).end();
        return;
      }
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = contentTypes[extname(file)] ?? 'application/octet-stream';
      if (relative === 'index.html') {
        // The launch token reaches only a page we serve; other origins cannot read it.
        body = Buffer.from(body.toString('utf8').replace('__KIOSK_TOKEN__', this.o.token));
      }
      res.writeHead(200, {
        'content-type': type,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.o.log('http.error', { error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) res.writeHead(500).end();
    }
  }
}
