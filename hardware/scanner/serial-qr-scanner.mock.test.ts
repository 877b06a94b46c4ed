import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceConfigError } from '../device-config.ts';
import { DeviceError } from '../device.ts';
import { record, settle, until } from '../testing/events.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { UnpluggableMockBinding } from '../testing/mock-serial.ts';
import { type SerialQrScannerConfig, SerialQrScanner } from './serial-qr-scanner.ts';

const PATH = '/dev/ttyMOCK0';
let binding: UnpluggableMockBinding;
let clock: ManualClock;
let scanners: SerialQrScanner[];

beforeEach(() => {
  binding = new UnpluggableMockBinding();
  binding.createPort(PATH);
  clock = new ManualClock();
  scanners = [];
});

afterEach(async () => {
  for (const s of scanners) await s.stop();
});

async function started(options: Partial<SerialQrScannerConfig> = {}) {
  const scanner = new SerialQrScanner({
    path: PATH,
    binding,
    clock,
    reconnect: { initialMs: 100, maxMs: 1000 },
    ...options,
  });
  scanners.push(scanner);
  const events = record(scanner);
  await scanner.start();
  const send = (bytes: string | number[]) =>
    binding.current.emitData(typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes));
  return { scanner, events, send };
}

describe('SerialQrScanner on the mock binding', () => {
  it('assembles a code split over several chunks', async () => {
    const { events, send } = await started();
    send('4243');
    await settle();
    send('6695090');
    await settle();
    expect(events.data).toEqual([]);
    send('840408960\r');
    await until(() => events.data.length === 1, 'the code');
    expect(events.data).toEqual(['42436695090840408960']);
    expect(events.statuses).toEqual(['ready']);
  });

  it('splits glued codes, including one that straddles two chunks', async () => {
    const { events, send } = await started();
    send('A1\rB2\rC');
    send('3\r');
    await until(() => events.data.length === 3, 'three codes');
    expect(events.data).toEqual(['A1', 'B2', 'C3']);
  });

  it('drops garbage as a typed non-printable error and carries on', async () => {
    const { events, send } = await started();
    send([0x00, 0xff, 0x1b, 0x41, 0x0d]); // NUL, invalid UTF-8, ESC
    send([0x41, 0x07, 0x42, 0x0d]); // a BEL inside text
    send('OK\r');
    await until(() => events.data.length === 1, 'the good code');
    expect(events.data).toEqual(['OK']);
    expect(events.errors.map((e) => e.code)).toEqual(['non-printable', 'non-printable']);
    expect(events.errors[0]).toBeInstanceOf(DeviceError);
    // The content never reaches the message: a rejected line may still be a payment code.
    expect(events.errors[1]!.message).not.toContain('A');
  });

  it('accepts UTF-8 text', async () => {
    const { events, send } = await started();
    send('https://example.org/挂号?id=1\r');
    await until(() => events.data.length === 1, 'the code');
    expect(events.data).toEqual(['https://example.org/挂号?id=1']);
  });

  it('rejects a 10 kB line once, emitting no data for it, then reads the next code', async () => {
    const { events, send } = await started();
    const long = 'X'.repeat(10_000);
    for (let i = 0; i < long.length; i += 1000) send(long.slice(i, i + 1000));
    send('\rNEXT\r');
    await until(() => events.data.length === 1, 'the next code');
    expect(events.data).toEqual(['NEXT']);
    expect(events.errors.map((e) => e.code)).toEqual(['too-long']);
  });

  it('takes a line of exactly maxLength', async () => {
    const { events, send } = await started({ maxLength: 8 });
    send('12345678\r123456789\rOK\r');
    await until(() => events.data.length === 2, 'two codes');
    expect(events.data).toEqual(['12345678', 'OK']);
    expect(events.errors.map((e) => e.code)).toEqual(['too-long']);
  });

  it('ignores the same code re-read within the window; the window slides', async () => {
    const { events, send } = await started({ duplicateWindowMs: 1500 });
    send('SAME\r');
    await until(() => events.data.length === 1, 'first read');
    clock.advance(1000);
    send('SAME\r');
    await settle();
    clock.advance(1000); // 2000 ms after the first read, 1000 after the last sight
    send('SAME\rOTHER\r');
    await until(() => events.data.length === 2, 'the other code');
    clock.advance(1600);
    send('SAME\r');
    await until(() => events.data.length === 3, 'the code again after the window');
    expect(events.data).toEqual(['SAME', 'OTHER', 'SAME']);
  });

  it.each([
    ['LF', 'A\nB\n', ['A', 'B']],
    ['CRLF', 'A\r\nB\r\nC\rD\r\n', ['A', 'B']],
    ['CR', 'A\r\nB\r\n', ['A', 'B']],
  ] as const)('ends codes at %s', async (terminator, input, expected) => {
    const { events, send } = await started({ terminator });
    send(input);
    await until(() => events.data.length + events.errors.length >= expected.length, 'codes');
    await settle();
    expect(events.data).toEqual(expected);
    // CRLF mode: a lone CR inside a line is not a terminator but a control character.
    if (terminator === 'CRLF') expect(events.errors.map((e) => e.code)).toEqual(['non-printable']);
  });

  it('ends a code on an inter-character timeout', async () => {
    const { events, send } = await started({ terminator: { idleMs: 50 } });
    send('AB');
    await settle();
    clock.advance(40);
    send('C');
    await settle();
    clock.advance(49);
    expect(events.data).toEqual([]);
    clock.advance(1);
    expect(events.data).toEqual(['ABC']);
    send('D\r\n'); // a suffix in idle mode is stripped
    await settle();
    clock.advance(50);
    expect(events.data).toEqual(['ABC', 'D']);
  });

  it('emits nothing until enabled, and forgets a partial code from before', async () => {
    const scanner = new SerialQrScanner({ path: PATH, binding, clock });
    scanners.push(scanner);
    const events = record(scanner);
    await scanner.open();
    await scanner.claim();
    binding.current.emitData(Buffer.from('EARLY\rPART'));
    await settle();
    await scanner.enable();
    binding.current.emitData(Buffer.from('IAL\rNOW\r'));
    await until(() => events.data.length > 0, 'the code after enable');
    await settle();
    expect(events.data).toEqual(['NOW']);
    expect(events.errors).toEqual([]);
  });

  it('reports unplugged, retries with capped exponential backoff, and is ready after replug', async () => {
    const { scanner, events, send } = await started();
    binding.unplug();
    await until(() => scanner.status.kind === 'unplugged', 'unplugged status');
    expect(events.errors.map((e) => e.code)).toEqual(['unplugged']);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await until(() => clock.pending.length === 1, 'a scheduled retry');
      delays.push(clock.pending[0]!);
      clock.advance(clock.pending[0]!);
      await settle();
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(scanner.status.kind).toBe('unplugged');
    binding.createPort(PATH);
    await until(() => clock.pending.length === 1, 'the next retry');
    clock.advance(clock.pending[0]!);
    await until(() => scanner.status.kind === 'ready', 'ready after replug');
    expect(events.statuses).toEqual(['ready', 'unplugged', 'ready']);
    send('BACK\r');
    await until(() => events.data.length === 1, 'a code after replug');
    expect(events.data).toEqual(['BACK']);
    // A second unplug starts the backoff from the beginning again.
    binding.unplug();
    await until(() => clock.pending.length === 1, 'a scheduled retry');
    expect(clock.pending).toEqual([100]);
  });

  it('a code split by an unplug is dropped, not glued to the next one', async () => {
    const { scanner, events, send } = await started();
    send('HALF');
    await settle();
    binding.unplug();
    await until(() => scanner.status.kind === 'unplugged', 'unplugged');
    binding.createPort(PATH);
    clock.advance(100);
    await until(() => scanner.status.kind === 'ready', 'ready');
    send('WHOLE\r');
    await until(() => events.data.length === 1, 'the code');
    expect(events.data).toEqual(['WHOLE']);
  });

  it('stops retrying once closed', async () => {
    const { scanner } = await started();
    binding.unplug();
    await until(() => clock.pending.length === 1, 'a scheduled retry');
    await scanner.stop();
    expect(clock.pending).toEqual([]);
    expect(scanner.state).toBe('closed');
    expect(scanner.status.kind).toBe('offline');
  });

  it('fails to open a port that is not there: a typed error and status unplugged', async () => {
    const scanner = new SerialQrScanner({ path: '/dev/ttyNONE', binding, clock });
    const error = await scanner.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('open-failed');
    expect(scanner.state).toBe('closed');
    expect(scanner.status.kind).toBe('unplugged');
    expect(clock.pending).toEqual([]);
  });

  it.each([
    [{ baudRate: -1 }, 'baudRate'],
    [{ terminator: 'TAB' }, 'terminator'],
    [{ terminator: { idleMs: 0 } }, 'terminator'],
    [{ baudrate: 9600 }, 'baudrate'],
    [{ maxLength: 0 }, 'maxLength'],
    [{ reconnect: { initialMs: 500, maxMs: 100 } }, 'maxMs'],
    [{ path: '' }, 'path'],
  ])('refuses bad options %j with a DeviceConfigError naming the field', (bad, field) => {
    const make = () =>
      new SerialQrScanner({ path: PATH, binding, ...(bad as Partial<SerialQrScannerConfig>) });
    expect(make).toThrow(DeviceConfigError);
    expect(make).toThrow(field);
  });
});
