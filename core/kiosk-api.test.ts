import { describe, expect, it } from 'vitest';
import { createKioskApi, kioskEventNames, type KioskMethodName } from './kiosk-api.ts';
import { createListenerMap } from './listener-map.ts';

function fakeTransport(answer: (method: KioskMethodName, args: unknown[]) => unknown) {
  const events = createListenerMap();
  const api = createKioskApi({
    invoke: async (method, args) => answer(method, args),
    on: (event, listener) => events.on(event, listener),
  });
  return { api, events };
}

describe('createKioskApi', () => {
  it('has one on-subscription per event in kioskEvents', () => {
    const { api } = fakeTransport(() => undefined);
    const names = kioskEventNames.map((e) => `on${e.charAt(0).toUpperCase()}${e.slice(1)}`);
    expect(names).toEqual(['onView', 'onCameraFrame', 'onNotice']);
    for (const name of names)
      expect(typeof (api as unknown as Record<string, unknown>)[name]).toBe('function');
  });

  it('hands listeners only payloads that match the event schema, until they unsubscribe', () => {
    const { api, events } = fakeTransport(() => undefined);
    const views: unknown[] = [];
    const notices: unknown[] = [];
    const off = api.onView((view) => views.push(view));
    api.onNotice((notice) => notices.push(notice));
    events.emit('view', { screen: 'home' });
    events.emit('view', { screen: 'no-such-screen' });
    events.emit('notice', { notice: 'scan-unknown' });
    off();
    events.emit('view', { screen: 'id-entry' });
    expect(views).toEqual([{ screen: 'home' }]);
    expect(notices).toEqual([{ notice: 'scan-unknown' }]);
  });

  it('passes calls through and refuses a result that does not match the contract', async () => {
    const calls: unknown[] = [];
    const { api } = fakeTransport((method, args) => {
      calls.push([method, args]);
      return method === 'submitIdNumber' ? { accepted: 'yes' } : undefined;
    });
    await api.selectBill('B-1');
    await expect(api.submitIdNumber('11010519491231002X')).rejects.toThrow();
    expect(calls).toEqual([
      ['selectBill', ['B-1']],
      ['submitIdNumber', ['11010519491231002X']],
    ]);
  });
});
