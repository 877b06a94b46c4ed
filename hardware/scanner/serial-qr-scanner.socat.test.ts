// The real driver on the operating system's serial binding, through a virtual serial cable made
// by socat: the test writes as the scanner on one pty, the driver reads the other.
import type { SerialPortStream } from '@serialport/stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  closeSerialStream,
  openSerialStream,
  type SerialBinding,
  serialLineSchema,
  systemSerialBinding,
} from '../serial-port.ts';
import { record, until } from '../testing/events.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { SocatPair } from '../testing/socat.ts';
import { type SerialQrScannerConfig, SerialQrScanner } from './serial-qr-scanner.ts';

let binding: SerialBinding;
let pair: SocatPair;
let peer: SerialPortStream | undefined;
let scanner: SerialQrScanner | undefined;

async function openPeer(): Promise<SerialPortStream> {
  const port = await openSerialStream(binding, serialLineSchema.parse({ path: pair.devicePath }));
  port.on('error', () => undefined); // the peer loses its pty too when the cable is pulled
  return port;
}

function send(bytes: string | Uint8Array): Promise<void> {
  const port = peer!;
  return new Promise((resolve, reject) => {
    port.write(typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes));
    port.drain((e) => (e ? reject(e) : resolve()));
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function started(options: Partial<SerialQrScannerConfig> & { clock?: ManualClock } = {}) {
  scanner = new SerialQrScanner({
    path: pair.driverPath,
    binding,
    reconnect: { initialMs: 50, maxMs: 200 },
    ...options,
  });
  const events = record(scanner);
  await scanner.start();
  return { scanner, events };
}

beforeEach(async () => {
  binding = await systemSerialBinding();
  pair = await SocatPair.start();
  peer = await openPeer();
});

afterEach(async () => {
  await scanner?.stop();
  scanner = undefined;
  if (peer) await closeSerialStream(peer);
  peer = undefined;
  await pair.dispose();
});

describe('SerialQrScanner over a socat virtual serial pair', () => {
  it('assembles a code sent in pieces with pauses between them', async () => {
    const { events } = await started();
    await send('4243669509');
    await pause(30);
    await send('0840408');
    await pause(30);
    await send('96099330000\r');
    await until(() => events.data.length === 1, 'the code');
    expect(events.data).toEqual(['4243669509084040896099330000']);
  });

  it('splits codes glued into one write', async () => {
    const { events } = await started();
    await send('134567890123456789\r286543210987654321\r6212345678901234567\r');
    await until(() => events.data.length === 3, 'three codes');
    expect(events.data).toEqual([
      '134567890123456789',
      '286543210987654321',
      '6212345678901234567',
    ]);
  });

  it('drops garbage bytes with a typed error and reads the next code', async () => {
    const { events } = await started();
    await send(Uint8Array.of(0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x41, 0x0d));
    await send('OK\r');
    await until(() => events.data.length === 1, 'the good code');
    expect(events.data).toEqual(['OK']);
    expect(events.errors.map((e) => e.code)).toEqual(['non-printable']);
  });

  it('drops a 10 kB line with a typed error, emitting no data for it', async () => {
    const { events } = await started();
    await send('Y'.repeat(10_240) + '\r');
    await send('AFTER\r');
    await until(() => events.data.length === 1, 'the code after the long line');
    expect(events.data).toEqual(['AFTER']);
    expect(events.errors.map((e) => e.code)).toEqual(['too-long']);
  });

  it('ignores a duplicate read within the window', async () => {
    const clock = new ManualClock();
    const { events } = await started({ clock, duplicateWindowMs: 1500 });
    await send('SAME\r');
    await until(() => events.data.length === 1, 'the first read');
    clock.advance(500);
    await send('SAME\rMARK\r');
    await until(() => events.data.length === 2, 'the marker');
    clock.advance(1600);
    await send('SAME\r');
    await until(() => events.data.length === 3, 'the read after the window');
    expect(events.data).toEqual(['SAME', 'MARK', 'SAME']);
  });

  it('ends codes on an inter-character timeout when the scanner sends no suffix', async () => {
    const { events } = await started({ terminator: { idleMs: 60 } });
    await send('AB');
    await pause(15);
    await send('CD');
    await until(() => events.data.length === 1, 'the first code');
    await send('EF');
    await until(() => events.data.length === 2, 'the second code');
    expect(events.data).toEqual(['ABCD', 'EF']);
  });

  it('goes unplugged when the cable is pulled and ready when it is back, mid-session', async () => {
    const { scanner, events } = await started();
    await send('BEFORE\r');
    await until(() => events.data.length === 1, 'a code before the unplug');

    await pair.unplug(); // socat killed with both ends open
    await closeSerialStream(peer!);
    peer = undefined;
    await until(() => scanner.status.kind === 'unplugged', 'unplugged status');
    expect(events.errors.map((e) => e.code)).toEqual(['unplugged']);

    await pause(300); // several failed reopen attempts while the path is gone
    expect(scanner.status.kind).toBe('unplugged');

    await pair.plug(); // a new pty behind the same link
    peer = await openPeer();
    await until(() => scanner.status.kind === 'ready', 'ready after replug');
    await send('AFTER\r');
    await until(() => events.data.length === 2, 'a code after the replug');
    expect(events.data).toEqual(['BEFORE', 'AFTER']);
    expect(events.statuses).toEqual(['ready', 'unplugged', 'ready']);
    expect(scanner.state).toBe('enabled');
  });
});
