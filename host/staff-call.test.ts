/**
 * "Call staff" against a real HTTP receiver on loopback: delivered after two refusals, given up
 * after the bound when never acknowledged, each try cut off by its timeout, and the receiver
 * gets the kiosk, screen and time, signed, with nothing about the patient.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { StaffCaller, staffCallerFrom, type StaffCallBody } from './staff-call.ts';

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: StaffCallBody;
}

const servers: Array<{ close(): void }> = [];
const callers: StaffCaller[] = [];
afterEach(async () => {
  for (const caller of callers.splice(0)) await caller.stop();
  for (const server of servers.splice(0)) server.close();
});

/** A receiver that answers each request with `answer(n)` (n from 1), or never when undefined. */
async function receiver(answer: (n: number) => number | undefined) {
  const received: Received[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as StaffCallBody });
      const status = answer(received.length);
      if (status === undefined) hung.push(res);
      else res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({
    close: () => {
      for (const res of hung) res.destroy();
      server.close();
    },
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`, received };
}

/** A log that keeps events and lets a test wait for one. */
function eventLog() {
  const events: Array<{ event: string; fields: Record<string, string | number | boolean> }> = [];
  const waiters: Array<() => void> = [];
  return {
    events,
    log: (event: string, fields: Record<string, string | number | boolean> = {}) => {
      events.push({ event, fields });
      for (const wake of waiters.splice(0)) wake();
    },
    async until(event: string) {
      for (;;) {
        const found = events.find((e) => e.event === event);
        if (found) return found.fields;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

const clock = { now: () => new Date('2026-11-30T03:00:00Z') };

function caller(url: string, log: ReturnType<typeof eventLog>['log'], extra = {}) {
  const c = new StaffCaller({
    url,
    secret: 'nurse-call-shared-secret',
    kioskId: 'LOBBY-03',
    timeoutMs: 300,
    maxAttempts: 4,
    backoffMs: 10,
    clock,
    log,
    firstWaitMs: 2000,
    newId: () => 'call-1',
    random: () => 0.5,
    ...extra,
  });
  callers.push(c);
  return c;
}

it('refused twice, then acknowledged: delivered on the third try, logged by id and attempts', async () => {
  const { url, received } = await receiver((n) => (n <= 2 ? 503 : 200));
  const log = eventLog();
  // The first try was refused, so the patient is told the call is on its way, not that it arrived.
  expect(await caller(url, log.log).call('bills')).toBe('queued');
  expect(await log.until('staff.call-acknowledged')).toEqual({ callId: 'call-1', attempts: 3 });
  expect(received.map((r) => r.body.attempt)).toEqual([1, 2, 3]);
  expect(log.events.filter((e) => e.event === 'staff.call-attempt-failed')).toEqual([
    {
      event: 'staff.call-attempt-failed',
      fields: { callId: 'call-1', attempt: 1, problem: 'http-503' },
    },
    {
      event: 'staff.call-attempt-failed',
      fields: { callId: 'call-1', attempt: 2, problem: 'http-503' },
    },
  ]);
});

it('acknowledged at once: the patient is told staff have the call', async () => {
  const { url, received } = await receiver(() => 204);
  const log = eventLog();
  const c = caller(url, log.log);
  expect(await c.call('home')).toBe('sent');
  expect(received).toHaveLength(1);
  await log.until('staff.call-acknowledged');
  expect(c.pending).toBeUndefined();
});

it('never acknowledged: gives up after maxAttempts, each try cut off by its timeout', async () => {
  // Every other try hangs until the 300 ms timeout; the rest are refused.
  const { url, received } = await receiver((n) => (n % 2 === 1 ? undefined : 500));
  const log = eventLog();
  const c = caller(url, log.log);
  expect(await c.call('review')).toBe('queued');
  // A second press while the first is being delivered joins it: staff are paged once.
  expect(await c.call('review')).toBe('queued');
  expect(await log.until('staff.call-gave-up')).toEqual({ callId: 'call-1', attempts: 4 });
  expect(received).toHaveLength(4);
  expect(
    log.events.filter((e) => e.event === 'staff.call-attempt-failed').map((e) => e.fields.problem),
  ).toEqual(['timeout', 'http-500', 'timeout', 'http-500']);
  expect(log.events.some((e) => e.event === 'staff.call-joined')).toBe(true);
  expect(c.pending).toBeUndefined();
});

it('nobody listening: tries end as unreachable, and a stop drops the call, logged', async () => {
  const { url } = await receiver(() => 200);
  servers.splice(0).forEach((s) => s.close());
  const log = eventLog();
  const c = caller(url, log.log, { backoffMs: 60_000 });
  expect(await c.call('home')).toBe('queued');
  expect((await log.until('staff.call-attempt-failed')).problem).toBe('unreachable');
  await c.stop();
  expect(await log.until('staff.call-dropped')).toEqual({ callId: 'call-1', attempts: 1 });
  expect(await c.call('home')).toBe('not-connected');
});

it('the receiver gets kiosk, screen, time and call id, signed, and nothing about the patient', async () => {
  const { url, received } = await receiver(() => 200);
  const log = eventLog();
  await caller(url, log.log).call('bills');
  const [got] = received;
  expect(Object.keys(got!.body).sort()).toEqual(
    ['attempt', 'callId', 'calledAt', 'kind', 'kioskId', 'screen'].sort(),
  );
  expect(got!.body).toEqual({
    kind: 'staff-call',
    callId: 'call-1',
    kioskId: 'LOBBY-03',
    screen: 'bills',
    calledAt: '2026-11-30T03:00:00.000Z',
    attempt: 1,
  });
  const timestamp = String(got!.headers['x-kiosk-timestamp']);
  const expected = createHmac('sha256', 'nurse-call-shared-secret')
    .update(`${timestamp}.${got!.raw}`)
    .digest('hex');
  expect(got!.headers['x-kiosk-signature']).toBe(`sha256=${expected}`);
  expect(got!.headers['x-kiosk-call-id']).toBe('call-1');
  // The log has ids and counts only.
  for (const { fields } of log.events)
    expect(
      Object.keys(fields).every((k) => ['callId', 'attempts', 'attempt', 'problem'].includes(k)),
    ).toBe(true);
});

it('from the configuration: none without a webhook; the environment secret wins', async () => {
  const log = eventLog();
  expect(staffCallerFrom(parseConfig({}), {}, clock, log.log)).toBeUndefined();
  expect(log.events[0]?.event).toBe('staff.call-not-configured');
  const { url, received } = await receiver(() => 200);
  const config = parseConfig({ staffCall: { webhook: { url, secret: 'file-secret-0123456789' } } });
  const c = staffCallerFrom(
    config,
    { STAFF_CALL_SECRET: 'env-secret-0123456789' },
    clock,
    log.log,
  )!;
  callers.push(c);
  expect(await c.call('home')).toBe('sent');
  const { raw, headers } = received[0]!;
  const mac = createHmac('sha256', 'env-secret-0123456789')
    .update(`${String(headers['x-kiosk-timestamp'])}.${raw}`)
    .digest('hex');
  expect(headers['x-kiosk-signature']).toBe(`sha256=${mac}`);
});
