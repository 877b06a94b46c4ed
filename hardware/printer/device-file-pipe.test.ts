// The device-file printer pipe (USB printer class under usblp, /dev/usb/lp0) through a socat pty
// pair: the pty is a character device like the real one; the test plays the printer on the far end.
import { realpathSync } from 'node:fs';
import type { SerialPortStream } from '@serialport/stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceConfigError } from '../device-config.ts';
import { EscPosPeer } from '../testing/escpos-peer.ts';
import {
  closeSerialStream,
  openSerialStream,
  serialLineSchema,
  systemSerialBinding,
} from '../serial-port.ts';
import { SocatPair } from '../testing/socat.ts';
import { EscPosPrinter } from './escpos-printer.ts';
import { DeviceFilePipe } from './device-file-pipe.ts';

let pair: SocatPair;
let end: { port: SerialPortStream; peer: EscPosPeer } | undefined;
let printer: EscPosPrinter | undefined;

/** The printer's end: answers status queries, keeps the rest. */
async function plugPrinter() {
  const port = await openSerialStream(
    await systemSerialBinding(),
    serialLineSchema.parse({ path: pair.devicePath }),
  );
  const peer = new EscPosPeer();
  port.on('error', () => undefined);
  port.on('data', (chunk: Buffer) => {
    const answer = peer.feed(new Uint8Array(chunk));
    if (answer.length > 0 && port.isOpen) port.write(Buffer.from(answer));
  });
  end = { port, peer };
}

beforeEach(async () => {
  pair = await SocatPair.start();
  await plugPrinter();
});

afterEach(async () => {
  await printer?.stop();
  printer = undefined;
  if (end) await closeSerialStream(end.port);
  end = undefined;
  await pair.dispose();
});

describe('DeviceFilePipe with EscPosPrinter', () => {
  it('prints through the device file, with status before and after, bytes intact', async () => {
    printer = new EscPosPrinter(new DeviceFilePipe({ path: realpathSync(pair.driverPath) }));
    await printer.start();
    const bytes = Uint8Array.from([
      0x1b,
      0x40,
      ...Buffer.from('usb receipt line\n'.repeat(200)),
      0x1d,
      0x56,
      0x00,
    ]);
    expect(await printer.print(bytes)).toEqual({ printed: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(Buffer.from(end!.peer.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reports paper out from the status the printer sends back', async () => {
    printer = new EscPosPrinter(new DeviceFilePipe({ path: realpathSync(pair.driverPath) }));
    await printer.start();
    end!.peer.flags.paperOut = true;
    expect(await printer.print(Uint8Array.of(0x41))).toEqual({
      printed: false,
      problem: 'paper-out',
    });
  });

  it('a device file that does not exist leaves the printer unplugged, with a typed error', async () => {
    printer = new EscPosPrinter(new DeviceFilePipe({ path: '/dev/usb/lp-missing-9' }));
    await expect(printer.start()).rejects.toThrow(/could not open the printer connection/);
    expect(printer.status.kind).toBe('unplugged');
  });

  it('refuses a path outside /dev', () => {
    expect(() => new DeviceFilePipe({ path: '/tmp/printer' })).toThrow(DeviceConfigError);
  });
});
