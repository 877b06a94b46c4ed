/**
 * For the .deb tests: a bill paid through an installed kiosk from outside, as its Chromium and a
 * patient would: the page (for its launch token), the KioskApi over the page's WebSocket, and the
 * simulator control API standing in for the scanner and the patient's phone.
 */
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionView } from '../core/kiosk-api.ts';
import { WS_PATH, serverMessageSchema } from '../core/ws-protocol.ts';

/**
 * Waits for the kiosk on `port` to serve its page, then Stuart (default scenario, patient 8)
 * shows his e-voucher QR and pays his bill's cash part by phone, until the screen says done with
 * a printed receipt. `gone` names why the kiosk can no longer answer (it exited), if it did.
 */
export async function payBillThrough(
  port: number,
  controlToken: string,
  version: string,
  gone: () => string | undefined,
): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const page = await eventually(
    'the installed kiosk to serve its page',
    async () => {
      const why = gone();
      if (why) throw new Error(why);
      const res = await fetch(base).catch(() => undefined);
      return res?.ok ? res.text() : undefined;
    },
    120_000,
  );
  const token = /<meta name="kiosk-token" content="([0-9a-f]+)"/.exec(page)?.[1];
  expect(token).toBeDefined();
  const control = (path: string, body: unknown) =>
    fetch(`${base}/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-kiosk-control': controlToken, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const api = await KioskSocket.open(`ws://127.0.0.1:${port}${WS_PATH}?token=${token}`, base);
  try {
    expect(await api.call('getInfo')).toMatchObject({ mode: 'simulator', version });
    const scanned = await control('sim/scanner', {
      code: `424${String(8).padStart(17, '0')}00110000`,
    });
    expect(scanned.status).toBe(200);
    const bills = await api.view('bills');
    await api.call('selectBill', bills.screen === 'bills' ? bills.bills[0]!.id : '');
    await api.view('review');
    await api.call('confirmPayment');
    const next = await api.view(['choose-cash', 'done']);
    if (next.screen === 'choose-cash') {
      await api.call('chooseCashMethod', 'mobile');
      await api.view('paying-cash');
      expect((await control('sim/wallet/pay', {})).status).toBe(200);
    }
    const done = await api.view('done');
    expect(done.screen === 'done' && done.settlementId).toMatch(/\S/);
    expect(done.screen === 'done' && done.receipt).toBe('printed');
    const receipts = (await (await control('sim/printer/receipts', undefined)).json()) as {
      text: string;
    }[];
    expect(receipts).toHaveLength(1);
  } finally {
    api.close();
  }
}

/** Polls until `probe` returns a value (not undefined), or fails after the timeout. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The KioskApi over web mode's WebSocket, as the renderer's bridge speaks it. */
class KioskSocket {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    (m: { ok: boolean; value?: unknown; error?: string }) => void
  >();
  private latest: SessionView | undefined;
  /** View events received so far: a getView answer older than one of them is stale. */
  private viewEvents = 0;
  private readonly viewWaiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const message = serverMessageSchema.parse(JSON.parse(String(raw)));
      if (message.type === 'result') this.pending.get(message.id)?.(message);
      else if (message.event === 'view') {
        this.latest = message.payload as SessionView;
        this.viewEvents++;
        for (const wake of this.viewWaiters) wake();
      }
    });
  }

  static open(url: string, origin: string): Promise<KioskSocket> {
    const ws = new WebSocket(url, { origin });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new KioskSocket(ws)));
      ws.once('error', reject);
    });
  }

  call(method: string, ...args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in 30 s`)), 30_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (m.ok) resolve(m.value);
        else reject(new Error(`${method}: ${m.error}`));
      });
      this.ws.send(JSON.stringify({ type: 'call', id, method, args }));
    });
  }

  /** Waits for the session to show one of these screens (from its events, or asked once). */
  async view(screen: SessionView['screen'] | SessionView['screen'][]): Promise<SessionView> {
    const wanted = Array.isArray(screen) ? screen : [screen];
    // The answer may have been made before a view event that overtook it on the socket: a
    // screen change pushed meanwhile is newer than the answer, so the answer is kept only if
    // no event came while it was on its way.
    const seen = this.viewEvents;
    const answer = (await this.call('getView')) as SessionView;
    if (this.viewEvents === seen) this.latest = answer;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.latest && wanted.includes(this.latest.screen)) {
          clearTimeout(timer);
          this.viewWaiters.delete(check);
          resolve(this.latest);
        }
      };
      const timer = setTimeout(() => {
        this.viewWaiters.delete(check);
        reject(new Error(`no ${wanted.join(' or ')} screen in 60 s (at ${this.latest?.screen})`));
      }, 60_000);
      this.viewWaiters.add(check);
      check();
    });
  }

  close(): void {
    this.ws.close();
  }
}
