import { describe, expect, it } from 'vitest';
import { dispatchKioskCall, kioskMethodNames, type KioskEventPayload } from './kiosk-api.ts';
import {
  serviceFrom,
  type KioskEventSources,
  type KioskMethodImplementations,
} from './kiosk-service-from.ts';
import { createListenerMap } from './listener-map.ts';

/** Every contract method, each answering with its own name and arguments. */
const echo = Object.fromEntries(
  kioskMethodNames.map((name) => [name, (...args: unknown[]) => ({ name, args })]),
) as unknown as KioskMethodImplementations;

const events = createListenerMap<{ [E in keyof KioskEventSources]: KioskEventPayload<E> }>();
const eventSources: KioskEventSources = {
  view: (listener) => events.on('view', listener),
  cameraFrame: (listener) => events.on('cameraFrame', listener),
  notice: (listener) => events.on('notice', listener),
};

describe('serviceFrom', () => {
  it('serves every contract method from the object that implements it', async () => {
    const { adminLogin, adminLogs, ...rest } = echo;
    const admin = { adminLogin, adminLogs };
    const service = serviceFrom([rest, admin], eventSources);
    for (const name of kioskMethodNames) expect(typeof service[name]).toBe('function');
    await expect(dispatchKioskCall(service, 'adminLogin', ['1234'])).resolves.toEqual({
      name: 'adminLogin',
      args: ['1234'],
    });
    await expect(service.submitIdNumber('11010519491231002X')).resolves.toEqual({
      name: 'submitIdNumber',
      args: ['11010519491231002X'],
    });
  });

  it('calls a method on its own object, and resolves a command with nothing', async () => {
    class Counter {
      count = 0;
      stillHere(): void {
        this.count++;
      }
    }
    const counter = new Counter();
    const { stillHere: _, ...rest } = echo;
    const service = serviceFrom([rest, counter], eventSources);
    await service.stillHere();
    expect(counter.count).toBe(1);
    // The echo answers every call; a command's answer is dropped, as z.void() expects.
    await expect(service.cancel()).resolves.toBeUndefined();
    await expect(service.getView()).resolves.toEqual({ name: 'getView', args: [] });
  });

  it('turns a command that throws into a rejected call', async () => {
    const service = serviceFrom(
      [
        {
          ...echo,
          cancel: () => {
            throw new Error('a payment is being completed');
          },
        },
      ],
      eventSources,
    );
    await expect(service.cancel()).rejects.toThrow('a payment is being completed');
  });

  it('subscribes each event at its own source', () => {
    const service = serviceFrom([echo], eventSources);
    const views: unknown[] = [];
    const off = service.subscribe('view', (view) => views.push(view));
    events.emit('notice', { notice: 'scan-unknown' });
    events.emit('view', { screen: 'home' });
    off();
    events.emit('view', { screen: 'id-entry' });
    expect(views).toEqual([{ screen: 'home' }]);
  });

  it('refuses a method no object implements, at compile time and at run time', () => {
    const { selectBill: _, ...rest } = echo;
    // @ts-expect-error selectBill is implemented by none
    expect(() => serviceFrom([rest], eventSources)).toThrow('selectBill is implemented by 0');
  });

  it('refuses a method implemented twice, at compile time and at run time', () => {
    const extra = { cancel: () => undefined };
    // @ts-expect-error cancel is implemented more than once
    expect(() => serviceFrom([echo, extra], eventSources)).toThrow('cancel is implemented by 2');
  });

  it('refuses, at compile time, a method with another signature', () => {
    const wrongArgument = { ...echo, selectBill: (billId: number) => void billId };
    const wrongResult = { ...echo, submitIdNumber: (idNumber: string) => idNumber.length > 0 };
    // @ts-expect-error selectBill does not match the contract
    serviceFrom([wrongArgument], eventSources);
    // @ts-expect-error submitIdNumber does not match the contract
    serviceFrom([wrongResult], eventSources);
  });
});
