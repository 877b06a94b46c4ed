/**
 * A network receipt printer on a local port, for tests of the TCP pipe: a `net` server that
 * answers DLE EOT status queries and keeps the printed bytes (EscPosPeer), and that can drop the
 * connection part-way through a job, as a printer does when it is switched off or crashes.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { EscPosPeer } from './escpos-peer.ts';

export class NetworkPrinter {
  readonly peer = new EscPosPeer();
  /** Connections accepted so far. */
  connections = 0;
  /** When set, the current connection is dropped once this many bytes arrived on it. */
  dropAfterBytes: number | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<NetworkPrinter> {
    const server = createServer();
    const printer = new NetworkPrinter(server);
    server.on('connection', (socket) => printer.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return printer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Closes every open connection, as a printer that restarts between jobs. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk);
      const limit = this.dropAfterBytes;
      if (limit !== undefined && received + bytes.length >= limit) {
        this.peer.feed(bytes.subarray(0, limit - received));
        this.dropAfterBytes = undefined;
        socket.destroy();
        return;
      }
      received += bytes.length;
      const answer = this.peer.feed(bytes);
      if (answer.length > 0) socket.write(answer);
    });
  }
}
