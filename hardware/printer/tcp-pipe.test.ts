import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceConfigError } from '../device-config.ts';
import { DeviceError } from '../device.ts';
import { record } from '../testing/events.ts';
import { NetworkPrinter } from '../testing/network-printer.ts';
import { EscPosPrinter } from './escpos-printer.ts';
import { TcpPipe } from './tcp-pipe.ts';

/** ESC @, some lines, a feed-and-cut: a receipt of roughly `size` bytes. */
function receipt(size: number, label = 'line'): Uint8Array {
  const body = Buffer.from(`${label} 0123456789 abcdefghij\n`.repeat(Math.ceil(size / 27)));
  return Uint8Array.from([0x1b, 0x40, ...body.subarray(0, size), 0x1d, 0x56, 0x41, 0x03]);
}

let server: NetworkPrinter;
let printer: EscPosPrinter | undefined;

beforeEach(async () => {
  server = await NetworkPrinter.start();
});

afterEach(async () => {
  await printer?.stop();
  printer = undefined;
  await server.stop();
});

async function started() {
  printer = new EscPosPrinter(new TcpPipe({ host: '127.0.0.1', port: server.port }));
  const events = record(printer);
  await printer.start();
  return { printer, events };
}

describe('TcpPipe with EscPosPrinter against a local network printer', () => {
  it('prints: status before and after, every byte arrives in order, one connection', async () => {
    const { printer } = await started();
    expect(printer.status.kind).toBe('ready');
    const bytes = receipt(5_000);
    expect(await printer.print(bytes)).toEqual({ printed: true });
    expect(Buffer.from(server.peer.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(server.peer.queries).toBe(6); // enable, before and after: DLE EOT 1 and 4 each
    expect(server.connections).toBe(1);
  });

  it.each([
    ['paper-out', { paperOut: true }],
    ['cover-open', { coverOpen: true }],
  ] as const)('refuses to print when the printer answers %s', async (problem, flags) => {
    const { printer } = await started();
    Object.assign(server.peer.flags, flags);
    expect(await printer.print(receipt(500))).toEqual({ printed: false, problem });
    expect(server.peer.bytes.length).toBe(0);
    expect(printer.status.kind).toBe(problem);
  });

  it('a connection dropped mid-print is not printed, and the next job reconnects', async () => {
    const { printer, events } = await started();
    const big = receipt(256 * 1024, 'first');
    server.dropAfterBytes = 4_096;
    expect(await printer.print(big)).toEqual({ printed: false, problem: 'offline' });
    expect(server.peer.bytes.length).toBeLessThan(big.length);
    expect(printer.status.kind).toBe('offline');
    expect(events.errors.length).toBeGreaterThan(0);
    const cutShort = server.peer.bytes.length;

    const second = receipt(2_000, 'second');
    expect(await printer.print(second)).toEqual({ printed: true });
    expect(server.connections).toBe(2);
    // The new connection carries the whole second job and nothing of the first one's tail.
    const after = Buffer.from(server.peer.bytes.subarray(cutShort));
    expect(after.equals(Buffer.from(second))).toBe(true);
    expect(printer.status.kind).toBe('ready');
  });

  it('a printer restarted between jobs is reconnected by the next job, which prints', async () => {
    const { printer } = await started();
    server.dropAll();
    await new Promise((r) => setTimeout(r, 50));
    expect(await printer.print(receipt(300))).toEqual({ printed: true });
    expect(server.connections).toBe(2);
  });

  it('a printer that does not answer status queries is offline', async () => {
    const { printer } = await started();
    server.peer.flags.mute = true;
    expect(await printer.print(receipt(300))).toEqual({ printed: false, problem: 'offline' });
    expect(server.peer.bytes.length).toBe(0);
  });

  it('cannot open with nobody listening: a typed error and status unplugged', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const lonely = new EscPosPrinter(new TcpPipe({ host: '127.0.0.1', port }));
    const error = await lonely.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('open-failed');
    expect(lonely.status.kind).toBe('unplugged');
  });

  it('refuses bad options with a DeviceConfigError', () => {
    expect(() => new TcpPipe({ host: '', port: 9100 })).toThrow(DeviceConfigError);
    expect(() => new TcpPipe({ host: 'printer', port: 70_000 })).toThrow('port');
    expect(() => new TcpPipe({ host: 'printer', prot: 9100 } as never)).toThrow(DeviceConfigError);
    expect(new TcpPipe({ host: 'printer' }).config.port).toBe(9100);
  });
});
