// The serial printer pipe on the operating system's binding, through a socat pty pair: the test
// plays the printer on the far end (status answers, collected bytes).
import type { SerialPortStream } from '@serialport/stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceConfigError } from '../device-config.ts';
import {
  closeSerialStream,
  openSerialStream,
  type SerialBinding,
  serialLineSchema,
  systemSerialBinding,
} from '../serial-port.ts';
import { EscPosPeer } from '../testing/escpos-peer.ts';
import { until } from '../testing/events.ts';
import { SocatPair } from '../testing/socat.ts';
import { EscPosPrinter } from './escpos-printer.ts';
import { SerialPipe } from './serial-pipe.ts';

function receipt(size: number, label = 'line'): Uint8Array {
  const body = Buffer.from(`${label} 0123456789 abcdefghij\n`.repeat(Math.ceil(size / 27)));
  return Uint8Array.from([0x1b, 0x40, ...body.subarray(0, size), 0x1d, 0x56, 0x41, 0x03]);
}

let binding: SerialBinding;
let pair: SocatPair;
let device: { port: SerialPortStream; peer: EscPosPeer; received: number } | undefined;
let printer: EscPosPrinter | undefined;

/** The printer's end of the cable: answers status queries, keeps the rest. */
async function plugPrinter(peer = new EscPosPeer()) {
  const port = await openSerialStream(binding, serialLineSchema.parse({ path: pair.devicePath }));
  const end = { port, peer, received: 0 };
  port.on('error', () => undefined);
  port.on('data', (chunk: Buffer) => {
    end.received += chunk.length;
    const answer = peer.feed(new Uint8Array(chunk));
    if (answer.length > 0 && port.isOpen) port.write(Buffer.from(answer));
  });
  device = end;
  return end;
}

beforeEach(async () => {
  binding = await systemSerialBinding();
  pair = await SocatPair.start();
  await plugPrinter();
});

afterEach(async () => {
  await printer?.stop();
  printer = undefined;
  if (device) await closeSerialStream(device.port);
  device = undefined;
  await pair.dispose();
});

async function started() {
  printer = new EscPosPrinter(new SerialPipe({ path: pair.driverPath, baudRate: 115200 }, binding));
  await printer.start();
  return printer;
}

describe('SerialPipe with EscPosPrinter over a socat pty pair', () => {
  it('prints a receipt with status before and after, bytes intact', async () => {
    const printer = await started();
    const bytes = receipt(8_000);
    expect(await printer.print(bytes)).toEqual({ printed: true });
    expect(Buffer.from(device!.peer.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(device!.peer.queries).toBe(6);
  });

  it('refuses to print on paper-out', async () => {
    const printer = await started();
    device!.peer.flags.paperOut = true;
    expect(await printer.print(receipt(200))).toEqual({ printed: false, problem: 'paper-out' });
    expect(device!.peer.bytes.length).toBe(0);
  });

  it('a cable pulled mid-print is not printed; plugged back, the next job prints', async () => {
    const printer = await started();
    const end = device!;
    const job = receipt(512 * 1024, 'first');
    const printing = printer.print(job);
    await until(() => end.received > 4_096, 'the printer receiving the first bytes');
    await pair.unplug();
    expect(await printing).toEqual({ printed: false, problem: 'offline' });
    expect(end.peer.bytes.length).toBeLessThan(job.length);
    await closeSerialStream(end.port);
    device = undefined;

    // No cable: the next job cannot reconnect and says so.
    expect(await printer.print(receipt(100))).toEqual({ printed: false, problem: 'offline' });

    await pair.plug();
    const fresh = await plugPrinter();
    const second = receipt(3_000, 'second');
    expect(await printer.print(second)).toEqual({ printed: true });
    expect(Buffer.from(fresh.peer.bytes).equals(Buffer.from(second))).toBe(true);
  });

  it('refuses bad options with a DeviceConfigError', () => {
    expect(() => new SerialPipe({ path: '/dev/ttyS0', baudRate: 0 }, binding)).toThrow(
      DeviceConfigError,
    );
    expect(() => new SerialPipe({ path: '/dev/ttyS0', parity: 'maybe' } as never, binding)).toThrow(
      'parity',
    );
  });
});
