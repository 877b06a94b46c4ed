// The operating system's binding over a socat pty pair: a device that goes away while no read is
// waiting on the poller must still end the read (bindings-cpp alone spins on 0-byte reads).
import type { BindingPortInterface } from '@serialport/bindings-interface';
import { SerialPortStream } from '@serialport/stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialReadError } from './serial-hangup.ts';
import { closeSerialStream, type SerialBinding, systemSerialBinding } from './serial-port.ts';
import { SocatPair } from './testing/socat.ts';

let binding: SerialBinding;
let pair: SocatPair;
const opened: BindingPortInterface[] = [];

beforeEach(async () => {
  binding = await systemSerialBinding();
  pair = await SocatPair.start();
});

afterEach(async () => {
  for (const port of opened.splice(0)) if (port.isOpen) await port.close();
  await pair.dispose();
});

async function open(path: string): Promise<BindingPortInterface> {
  const port = await binding.open({ path, baudRate: 9600 });
  opened.push(port);
  return port;
}

/** The read's outcome, or 'still reading' when it has not ended within a bound no read needs. */
function outcome(read: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise((resolve) => {
    timer = setTimeout(() => resolve('still reading'), 5_000);
  });
  return Promise.race([
    read.then(
      (value) => value,
      (error: unknown) => error,
    ),
    bound,
  ]).finally(() => clearTimeout(timer));
}

describe('the system serial binding when the device goes away', () => {
  it('reads what the device sends', async () => {
    const driver = await open(pair.driverPath);
    const device = await open(pair.devicePath);
    await device.write(Buffer.from('HELLO\r'));
    const buffer = Buffer.alloc(64);
    let text = '';
    while (!text.endsWith('\r')) {
      const { bytesRead } = await driver.read(buffer, 0, buffer.length);
      text += buffer.toString('latin1', 0, bytesRead);
    }
    expect(text).toBe('HELLO\r');
  });

  it('ends a read begun after the hang-up with a disconnect, not a spin', async () => {
    const driver = await open(pair.driverPath);
    await pair.unplug(); // no read was waiting on the poller when the line went
    const result = await outcome(driver.read(Buffer.alloc(64), 0, 64));
    expect(result).toBeInstanceOf(SerialReadError);
    expect(result).toMatchObject({ canceled: false, disconnect: true });
  });

  it('ends a read that was waiting for data when the device went', async () => {
    const driver = await open(pair.driverPath);
    const read = outcome(driver.read(Buffer.alloc(64), 0, 64));
    await pair.unplug();
    const result = await read;
    expect(result).toBeInstanceOf(Error);
    expect(result).not.toMatchObject({ canceled: true });
  });

  it('cancels a waiting read when the kiosk closes the port', async () => {
    const driver = await open(pair.driverPath);
    const read = outcome(driver.read(Buffer.alloc(64), 0, 64));
    await driver.close();
    expect(await read).toMatchObject({ canceled: true });
  });

  it('closes the stream on its own when the line is hung up between reads', async () => {
    const port = new SerialPortStream({ binding, path: pair.driverPath, baudRate: 9600 });
    await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
    port.on('error', () => undefined);
    const closed = new Promise<unknown>((resolve) => port.once('close', resolve));
    port.pause(); // no read under way while the cable is pulled
    await pair.unplug();
    port.resume();
    expect(await outcome(closed)).toMatchObject({ disconnected: true });
    await closeSerialStream(port);
  });
});
