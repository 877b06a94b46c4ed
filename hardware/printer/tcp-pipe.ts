/**
 * BytePipe to a network ESC/POS printer: raw TCP, port 9100 ("JetDirect"), the way LAN receipt
 * printers take jobs. Status answers (DLE EOT) come back on the same socket.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { z } from 'zod';
import { parseDeviceOptions } from '../device-config.ts';
import {
  type Connection,
  type ConnectionEvents,
  ConnectionPipe,
  PipeClosed,
} from './connection-pipe.ts';

export const tcpPipeConfigSchema = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65_535).default(9100),
  connectTimeoutMs: z.number().int().min(100).max(60_000).default(3_000),
});
export type TcpPipeConfig = z.input<typeof tcpPipeConfigSchema>;

export class TcpPipe extends ConnectionPipe {
  readonly config: z.output<typeof tcpPipeConfigSchema>;

  constructor(config: TcpPipeConfig, name = 'printer') {
    super();
    this.config = parseDeviceOptions(name, tcpPipeConfigSchema, config);
  }

  protected connect(events: ConnectionEvents): Promise<Connection> {
    const { host, port, connectTimeoutMs } = this.config;
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host, port });
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      socket.setTimeout(connectTimeoutMs, () =>
        fail(new PipeClosed(`no connection to ${host}:${port} within ${connectTimeoutMs} ms`)),
      );
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        // Status queries are 3 bytes each, and a reply is awaited after each: no Nagle delay.
        socket.setNoDelay(true);
        // A printer switched off sends no FIN; keep-alive notices it while we are idle.
        socket.setKeepAlive(true, 10_000);
        socket.on('data', (chunk: Buffer) => events.data(new Uint8Array(chunk)));
        socket.on('error', (error) => events.lost(error));
        socket.on('close', () => events.lost());
        resolve(socketConnection(socket));
      });
    });
  }
}

function socketConnection(socket: Socket): Connection {
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (socket.destroyed || !socket.writable) {
          reject(new PipeClosed('the connection is closed'));
          return;
        }
        socket.write(bytes, (error) => (error ? reject(error) : resolve()));
      }),
    close: () =>
      new Promise((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
        // A printer that does not finish the close handshake must not hold us up.
        setTimeout(() => socket.destroy(), 1_000).unref();
      }),
  };
}
