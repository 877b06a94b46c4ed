/**
 * BytePipe to an ESC/POS printer on a serial port (RS-232, or USB-serial). The node-serialport
 * binding is injected like the scanner's, so tests run it over socat ptys or MockBinding.
 */
import type { SerialPortStream } from '@serialport/stream';
import { parseDeviceOptions } from '../device-config.ts';
import {
  closeSerialStream,
  openSerialStream,
  type SerialBinding,
  type SerialLine,
  serialLineSchema,
} from '../serial-port.ts';
import {
  type Connection,
  type ConnectionEvents,
  ConnectionPipe,
  PipeClosed,
} from './connection-pipe.ts';

export const serialPipeConfigSchema = serialLineSchema;
export type SerialPipeConfig = Partial<SerialLine> & { path: string };

export class SerialPipe extends ConnectionPipe {
  readonly config: SerialLine;

  constructor(
    config: SerialPipeConfig,
    private readonly binding: SerialBinding,
    name = 'printer',
  ) {
    super();
    this.config = parseDeviceOptions(name, serialPipeConfigSchema, config);
  }

  protected async connect(events: ConnectionEvents): Promise<Connection> {
    const port = await openSerialStream(this.binding, this.config);
    port.on('data', (chunk: Buffer) => events.data(new Uint8Array(chunk)));
    port.on('close', () => events.lost());
    port.on('error', (error: Error) => {
      if (!port.isOpen) events.lost(error);
    });
    return portConnection(port);
  }
}

function portConnection(port: SerialPortStream): Connection {
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (!port.isOpen) {
          reject(new PipeClosed('the serial port is closed'));
          return;
        }
        port.write(Buffer.from(bytes), (error) => {
          if (error) return reject(error);
          // Wait until the bytes have left: the status asked after a receipt must describe it.
          port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      }),
    close: () => closeSerialStream(port),
  };
}
