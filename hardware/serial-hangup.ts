/**
 * The operating system's serial binding, with an unplugged device seen as unplugged.
 *
 * When a serial device goes away (a USB scanner pulled, the other end of a pty closed), Linux
 * hangs the port up: from then on read() returns 0 bytes (end of file) and never EAGAIN again.
 * bindings-cpp's POSIX read takes a 0-byte read as "nothing yet" and reads again at once
 * (serialport/bindings-cpp#162, fix proposed in #164, not released): if no read was waiting on
 * the poller at that moment, it spins on the thread pool for ever, the port never reports the
 * loss, and the driver never reconnects. The ports bindings-cpp opens set VMIN=1, so a read that
 * returns 0 bytes can only mean the end of the line. This read says so: a disconnect error,
 * which @serialport/stream turns into its `close` event, as it does for any other lost port.
 */
import { read as fsRead } from 'node:fs';
import type { BindingInterface, BindingPortInterface } from '@serialport/bindings-interface';

/** A read that failed; `canceled` (the port was closed on purpose) is what the stream checks. */
export class SerialReadError extends Error {
  constructor(
    message: string,
    readonly canceled: boolean,
    readonly disconnect: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SerialReadError';
  }
}

/** What bindings-cpp's Linux and macOS ports carry besides the interface: the fd and its poller. */
interface PosixPort extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'readable', listener: (error?: Error | null) => void): unknown };
}

function isPosixPort(port: BindingPortInterface): port is PosixPort {
  const candidate = port as Partial<PosixPort>;
  return (
    (typeof candidate.fd === 'number' || candidate.fd === null) &&
    typeof candidate.poller?.once === 'function'
  );
}

// Codes after which the same read is worth trying once the poller says there is data.
const TRY_AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
// Codes that mean the device is gone, as bindings-cpp classes them, plus EIO (a pty whose other
// end closed before the hang-up reached this file).
const GONE = new Set(['EBADF', 'ENXIO', 'EIO', 'UNKNOWN']);

function readOnce(fd: number, buffer: Buffer, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fsRead(fd, buffer, offset, length, null, (error, bytesRead) =>
      error ? reject(error) : resolve(bytesRead),
    );
  });
}

function readable(port: PosixPort): Promise<void> {
  return new Promise((resolve, reject) => {
    port.poller.once('readable', (error) => (error ? reject(error) : resolve()));
  });
}

/** Reads at least one byte, waits on the poller while there is none, fails when the line ends. */
export async function readUntilData(
  port: PosixPort,
  buffer: Buffer,
  offset: number,
  length: number,
): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (!port.isOpen || port.fd === null) {
      throw new SerialReadError('Port is not open', true, false);
    }
    let bytesRead: number;
    try {
      bytesRead = await readOnce(port.fd, buffer, offset, length);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (TRY_AGAIN.has(code)) {
        if (!port.isOpen) throw new SerialReadError('Port is not open', true, false);
        await readable(port); // a closed port cancels this wait with a `canceled` error
        continue;
      }
      throw new SerialReadError(
        `serial read failed (${code || 'unknown'})`,
        false,
        GONE.has(code),
        {
          cause: error,
        },
      );
    }
    if (bytesRead > 0) return { buffer, bytesRead };
    throw new SerialReadError('the serial line was hung up (device gone)', false, true);
  }
}

/** The port with its read replaced; everything else is the port's own. */
function hangupAware<P extends BindingPortInterface>(port: P): P {
  if (!isPosixPort(port)) return port; // Windows reads overlapped, and never spins on 0 bytes
  const read = (buffer: Buffer, offset: number, length: number) =>
    readUntilData(port, buffer, offset, length);
  return new Proxy(port, {
    get: (target, key, receiver) =>
      key === 'read' ? read : (Reflect.get(target, key, receiver) as unknown),
  });
}

/** The binding with every port it opens reading as above. */
export function withHangupDetection<B extends BindingInterface>(binding: B): B {
  return new Proxy(binding, {
    get: (target, key, receiver) => {
      if (key !== 'open') return Reflect.get(target, key, receiver) as unknown;
      return async (options: Parameters<B['open']>[0]) => hangupAware(await target.open(options));
    },
  });
}
