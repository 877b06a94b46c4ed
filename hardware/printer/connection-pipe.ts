/**
 * A BytePipe over a connection that can drop: a TCP socket or a serial port. Shared by the TCP
 * and serial printer pipes, which only say how to connect.
 *
 * A dropped connection is never replaced behind the driver's back. Every write and read after a
 * drop fails (a pending read at once, not after its timeout) until the driver calls `resume()`,
 * which it does only at the start of a print job or a status query. So the tail of a receipt can
 * never go out on a fresh connection, and a job cut short can never be followed by a "ready"
 * answer from a new connection and look printed; yet a printer that was switched off and on
 * between jobs is simply reconnected by the next one.
 */
import { type BytePipe, PipeTimeout, ReadBuffer } from '../byte-pipe.ts';

export class PipeClosed extends Error {
  override readonly name = 'PipeClosed';
}

export interface Connection {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectionEvents {
  data(bytes: Uint8Array): void;
  /** The connection ended without close() being called (peer closed, cable pulled). */
  lost(cause?: Error): void;
}

export abstract class ConnectionPipe implements BytePipe {
  private connection: Connection | undefined;
  /** Identifies the current connection, so that events from an old one are ignored. */
  private generation = 0;
  private opened = false;
  /** Counts close() calls, so that a connection completing after one is not kept. */
  private closes = 0;
  private incoming = new ReadBuffer();
  private failRead: ((error: Error) => void) | undefined;

  /** Opens a new connection; events for it go to `events`. */
  protected abstract connect(events: ConnectionEvents): Promise<Connection>;

  /** True while a connection is up. */
  get connected(): boolean {
    return this.connection !== undefined;
  }

  async open(): Promise<void> {
    if (!this.connection) await this.reconnect();
    this.opened = true;
  }

  /** Starts a new exchange: reconnects if the connection was lost since the last one. */
  async resume(): Promise<void> {
    if (!this.opened) throw new PipeClosed('the pipe is not open');
    if (!this.connection) await this.reconnect();
  }

  async write(bytes: Uint8Array): Promise<void> {
    const connection = this.current();
    try {
      await connection.write(bytes);
    } catch (error) {
      this.drop(connection);
      throw error;
    }
  }

  async read(n: number, timeoutMs: number): Promise<Uint8Array> {
    const connection = this.current();
    const incoming = this.incoming;
    let fail: ((error: Error) => void) | undefined;
    try {
      return await new Promise<Uint8Array>((resolve, reject) => {
        fail = reject;
        this.failRead = reject;
        incoming.read(n, timeoutMs).then(resolve, reject);
      });
    } catch (error) {
      // No answer on a connection that looks up: it may be half-open (a printer switched off
      // sends no FIN). The next exchange starts on a fresh one rather than trusting it.
      if (error instanceof PipeTimeout) this.drop(connection);
      throw error;
    } finally {
      if (this.failRead === fail) this.failRead = undefined;
    }
  }

  async close(): Promise<void> {
    this.closes++;
    this.opened = false;
    const connection = this.connection;
    this.connection = undefined;
    this.generation++;
    this.failRead?.(new PipeClosed('the pipe was closed'));
    if (connection) await connection.close();
  }

  private current(): Connection {
    if (!this.opened) throw new PipeClosed('the pipe is not open');
    if (!this.connection) throw new PipeClosed('the connection was lost during this exchange');
    return this.connection;
  }

  private async reconnect(): Promise<void> {
    const generation = ++this.generation;
    const closes = this.closes;
    const connection = await this.connect({
      data: (bytes) => {
        if (generation === this.generation) this.incoming.push(bytes);
      },
      lost: (cause) => {
        if (generation !== this.generation || !this.connection) return;
        this.drop(this.connection);
        this.failRead?.(new PipeClosed('the connection was lost', { cause }));
      },
    });
    if (closes !== this.closes) {
      await connection.close();
      throw new PipeClosed('the pipe was closed while connecting');
    }
    this.generation = generation;
    this.connection = connection;
    // Bytes from before, and a read still waiting on the old buffer, belong to the old connection.
    this.incoming = new ReadBuffer();
  }

  /** Forgets a broken connection and releases what is left of it. */
  private drop(connection: Connection): void {
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.generation++;
    void connection.close().catch(() => undefined);
  }
}
