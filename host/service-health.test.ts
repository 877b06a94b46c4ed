import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutOfService, SessionView } from '../core/kiosk-api.ts';
import { controller, fakePort } from '../core/testing/session-doubles.ts';
import { GatewayProbe } from './metrics.ts';
import { ServiceHealth, ServiceWatch, servedViews, type HealthSample } from './service-health.ts';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-11-30T06:00:00Z')) {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms: number) => void (now += ms),
  };
}

const up: HealthSample = { gatewayReachable: true, camera: 'ready', scanner: 'ready' };
const gatewayDown: HealthSample = { ...up, gatewayReachable: false };

describe('ServiceHealth', () => {
  it('stays in service while the gateway has failed for less than the configured period', () => {
    const clock = manualClock();
    const health = new ServiceHealth({
      clock,
      outOfServiceAfterMs: 30_000,
      staffCallConnected: true,
    });
    expect(health.observe(up)).toBeUndefined();
    expect(health.observe(gatewayDown)).toBeUndefined();
    clock.advance(29_999);
    expect(health.observe(gatewayDown)).toBeUndefined();
    clock.advance(1);
    expect(health.observe(gatewayDown)).toEqual({
      reasons: ['gateway-unreachable'],
      stillWorks: ['call-staff'],
    });
  });

  it('starts the period again after one successful probe, and is back in service at once', () => {
    const clock = manualClock();
    const health = new ServiceHealth({
      clock,
      outOfServiceAfterMs: 10_000,
      staffCallConnected: false,
    });
    health.observe(gatewayDown);
    clock.advance(10_000);
    expect(health.observe(gatewayDown)?.reasons).toEqual(['gateway-unreachable']);
    expect(health.observe(up)).toBeUndefined();
    health.observe(gatewayDown);
    clock.advance(9_000);
    expect(health.observe(gatewayDown)).toBeUndefined();
  });

  it('answers as of now between samples: the period runs out without a new sample', () => {
    const clock = manualClock();
    const health = new ServiceHealth({
      clock,
      outOfServiceAfterMs: 5_000,
      staffCallConnected: false,
    });
    expect(health.current()).toBeUndefined();
    health.observe(gatewayDown);
    expect(health.current()).toBeUndefined();
    clock.advance(5_000);
    expect(health.current()).toEqual({ reasons: ['gateway-unreachable'], stillWorks: [] });
  });

  it('is out of service at once when neither the camera nor the scanner can identify anyone', () => {
    const clock = manualClock();
    const health = new ServiceHealth({
      clock,
      outOfServiceAfterMs: 30_000,
      staffCallConnected: true,
    });
    expect(health.observe({ ...up, camera: 'unplugged' })).toBeUndefined();
    expect(health.observe({ ...up, scanner: 'offline' })).toBeUndefined();
    // A camera busy reading a face is working.
    expect(health.observe({ ...up, camera: 'busy', scanner: 'unplugged' })).toBeUndefined();
    expect(health.observe({ ...up, camera: 'unplugged', scanner: 'unplugged' })).toEqual({
      reasons: ['cannot-identify'],
      stillWorks: ['call-staff'],
    });
    expect(health.observe({ ...up, camera: 'error', scanner: 'offline' })?.reasons).toEqual([
      'cannot-identify',
    ]);
  });

  it('names both reasons when both hold', () => {
    const clock = manualClock();
    const health = new ServiceHealth({ clock, outOfServiceAfterMs: 0, staffCallConnected: false });
    expect(
      health.observe({ gatewayReachable: false, camera: 'unplugged', scanner: 'unplugged' }),
    ).toEqual({ reasons: ['gateway-unreachable', 'cannot-identify'], stillWorks: [] });
  });

  it('tells since when the gateway has been failing, for the device check', () => {
    const clock = manualClock();
    const health = new ServiceHealth({ clock, outOfServiceAfterMs: 0, staffCallConnected: false });
    expect(health.gateway()).toEqual({ reachable: undefined, failingSince: undefined });
    const since = clock.now();
    health.observe(gatewayDown);
    clock.advance(4_000);
    health.observe(gatewayDown);
    expect(health.gateway()).toEqual({ reachable: false, failingSince: since });
    health.observe(up);
    expect(health.gateway()).toEqual({ reachable: true, failingSince: undefined });
  });

  it('refuses a period that is not a whole number of milliseconds', () => {
    const clock = manualClock();
    for (const ms of [-1, 1.5, Number.NaN])
      expect(
        () => new ServiceHealth({ clock, outOfServiceAfterMs: ms, staffCallConnected: false }),
      ).toThrow(RangeError);
  });
});

describe('ServiceWatch over a real gateway address', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(port = 0): Promise<number> {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('tells listeners when the gateway stops answering past the period, and when it is back', async () => {
    const port = await listen();
    const clock = manualClock();
    const probe = new GatewayProbe(`http://127.0.0.1:${port}/`, {
      clock,
      timeoutMs: 2000,
      maxAgeMs: 0,
    });
    const events: string[] = [];
    const seen: (OutOfService | undefined)[] = [];
    const watch = new ServiceWatch({
      clock,
      outOfServiceAfterMs: 30_000,
      staffCallConnected: true,
      probe: () => probe.reachable(),
      devices: () => ({ camera: 'ready', scanner: 'ready' }),
      log: (event, fields) => events.push(`${event} ${JSON.stringify(fields)}`),
    });
    watch.onChange((state) => seen.push(state));
    expect(await watch.check()).toBeUndefined();

    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await watch.check()).toBeUndefined();
    clock.advance(30_000);
    expect(await watch.check()).toEqual({
      reasons: ['gateway-unreachable'],
      stillWorks: ['call-staff'],
    });
    expect(watch.outOfService()?.reasons).toEqual(['gateway-unreachable']);

    await listen(port);
    clock.advance(1);
    expect(await watch.check()).toBeUndefined();
    expect(seen).toEqual([
      { reasons: ['gateway-unreachable'], stillWorks: ['call-staff'] },
      undefined,
    ]);
    expect(events).toEqual([
      'kiosk.service {"inService":false,"reasons":"gateway-unreachable"}',
      'kiosk.service {"inService":true,"reasons":""}',
    ]);
  });

  it('samples on its own timer once started, and stops', async () => {
    const clock = manualClock();
    let probes = 0;
    const watch = new ServiceWatch({
      clock,
      outOfServiceAfterMs: 0,
      staffCallConnected: false,
      probe: () => {
        probes += 1;
        return Promise.resolve(false);
      },
      devices: () => ({ camera: 'ready', scanner: 'ready' }),
      intervalMs: 10,
      log: () => undefined,
    });
    const changed = new Promise<OutOfService | undefined>((resolve) => watch.onChange(resolve));
    watch.start();
    expect(await changed).toEqual({ reasons: ['gateway-unreachable'], stillWorks: [] });
    await watch.stop();
    const after = probes;
    await new Promise((resolve) => setImmediate(resolve));
    expect(probes).toBe(after);
  });
});

describe('servedViews', () => {
  it('says out of service on the home view only, and pushes the home view when that changes', async () => {
    const clock = manualClock();
    let reachable = true;
    const watch = new ServiceWatch({
      clock,
      outOfServiceAfterMs: 0,
      staffCallConnected: true,
      probe: () => Promise.resolve(reachable),
      devices: () => ({ camera: 'ready', scanner: 'ready' }),
      log: () => undefined,
    });
    const { c } = controller(fakePort(0).port);
    const views = servedViews(c, watch);
    const pushed: SessionView[] = [];
    const off = views.onView((view) => pushed.push(view));

    await watch.check();
    expect(views.view()).toEqual({ screen: 'home' });
    reachable = false;
    await watch.check();
    const outOfService = { reasons: ['gateway-unreachable'], stillWorks: ['call-staff'] };
    expect(views.view()).toEqual({ screen: 'home', outOfService });
    expect(pushed).toEqual([{ screen: 'home', outOfService }]);

    // Past home (a patient already under way) nothing is added or pushed.
    c.payWithFace();
    expect(views.view()).toEqual({ screen: 'consent' });
    reachable = true;
    await watch.check();
    expect(pushed.at(-1)).toEqual({ screen: 'consent' });
    c.cancel();
    expect(pushed.at(-1)).toEqual({ screen: 'home' });

    off();
    reachable = false;
    await watch.check();
    expect(pushed.at(-1)).toEqual({ screen: 'home' });
  });
});
