import { describe, expect, it } from 'vitest';
import {
  KioskCallError,
  createKioskApi,
  dispatchKioskCall,
  kioskEventNames,
  kioskMethods,
  type KioskMethodName,
  type KioskMethods,
} from './kiosk-api.ts';
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

describe('the contract refuses a malformed document number', () => {
  const args = (documentType: string, documentNumber: string) => [
    { documentType, documentNumber, staffPin: '246810' },
  ];
  const parses = (documentType: string, documentNumber: string) =>
    kioskMethods.submitBindDocument.args.safeParse(args(documentType, documentNumber)).success;

  it('takes each type’s own form, and refuses another type’s', () => {
    expect(parses('01', '110105201905200626')).toBe(true);
    expect(parses('02', '110105201905200626')).toBe(true);
    expect(parses('03', 'O440123456')).toBe(true);
    expect(parses('04', 'E12345678')).toBe(true);
    expect(parses('01', '110105201905200627')).toBe(false); // check character
    expect(parses('02', 'HR110105')).toBe(false);
    expect(parses('03', 'X12345678')).toBe(false);
    expect(parses('03', '110105201905200626')).toBe(false);
    expect(parses('04', 'E1234-5678')).toBe(false);
    expect(parses('04', 'E'.repeat(40))).toBe(false);
    expect(parses('05', 'E12345678')).toBe(false);
  });

  it('is refused at the host before the service is called', async () => {
    const called: unknown[] = [];
    const service = new Proxy({} as KioskMethods, {
      get:
        () =>
        (...a: unknown[]) =>
          void called.push(a),
    });
    await expect(
      dispatchKioskCall(service, 'submitBindDocument', args('03', 'X12345678')),
    ).rejects.toThrow(KioskCallError);
    expect(called).toEqual([]);
    await dispatchKioskCall(service, 'submitBindDocument', args('03', 'O440123456'));
    expect(called).toHaveLength(1);
  });
});
