/**
 * Serial line settings and port opening shared by the QR scanner and the serial printer pipe.
 * The node-serialport binding is injected: the OS binding (bindings-cpp, through the `serialport`
 * package) in the lobby, MockBinding or a socat pty pair in tests. Nothing else differs.
 */
import { type OpenOptions, SerialPortStream } from '@serialport/stream';
import { z } from 'zod';
import { withHangupDetection } from './serial-hangup.ts';

/** A node-serialport binding (list + open), as SerialPortStream takes it. */
export type SerialBinding = OpenOptions['binding'];

// Strict: a misspelt option (`baudrate`) must be refused, not silently replaced by the default.
export const serialLineSchema = z.strictObject({
  path: z.string().min(1).max(260),
  baudRate: z.number().int().min(50).max(4_000_000).default(9600),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
});
export type SerialLine = z.output<typeof serialLineSchema>;

/** Opens the port; rejects when it does not exist, is locked by another process, or refuses. */
export function openSerialStream(
  binding: SerialBinding,
  line: SerialLine,
): Promise<SerialPortStream> {
  const port = new SerialPortStream({
    binding,
    path: line.path,
    baudRate: line.baudRate,
    parity: line.parity,
    dataBits: line.dataBits,
    stopBits: line.stopBits,
    // An exclusive lock: two kiosk processes reading one scanner would each get half the codes.
    lock: true,
    autoOpen: false,
  });
  return new Promise((resolve, reject) => {
    port.open((error) => (error ? reject(error) : resolve(port)));
  });
}

/** Closes the port if it is still open; a port that vanished (unplugged) counts as closed. */
export function closeSerialStream(port: SerialPortStream): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/**
 * The operating system's binding, reading an unplugged device as unplugged (serial-hangup.ts).
 * Loaded on demand so that simulators and tests never load the native module.
 */
export async function systemSerialBinding(): Promise<SerialBinding> {
  const { SerialPort } = await import('serialport');
  return withHangupDetection(SerialPort.binding);
}
