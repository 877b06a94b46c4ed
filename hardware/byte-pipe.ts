/**
 * The byte pipe under a device driver (serial port, TCP socket, USB device file, or a
 * simulator). Drivers hold all the device logic and talk only to this, so swapping the pipe is
 * the only difference between a test, a simulator and the lobby (as node-serialport's bindings).
 */
export interface BytePipe {
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  /** Resolves with exactly n bytes, or rejects with a PipeTimeout after timeoutMs. */
  read(n: number, timeoutMs: number): Promise<Uint8Array>;
  close(): Promise<void>;
  /**
   * Called by the driver at the start of an exchange that may begin on a new connection (a print
   * job, a status query), and only there. A pipe whose connection dropped reconnects here, never
   * in the middle of an exchange. Pipes that cannot drop (simulators) need not have it.
   */
  resume?(): Promise<void>;
}

export class PipeTimeout extends Error {
  override readonly name = 'PipeTimeout';
}

/** Collects incoming bytes and serves read(n) requests in order; shared by real pipes. */
export class ReadBuffer {
  private buffer = new Uint8Array(0);
  private waiter: { n: number; resolve: (b: Uint8Array) => void } | undefined;

  push(bytes: Uint8Array): void {
    const merged = new Uint8Array(this.buffer.length + bytes.length);
    merged.set(this.buffer);
    merged.set(bytes, this.buffer.length);
    this.buffer = merged;
    this.serve();
  }

  clear(): void {
    this.buffer = new Uint8Array(0);
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.waiter) return Promise.reject(new Error('a read is already pending'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new PipeTimeout(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        n,
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
      };
      this.serve();
    });
  }

  private serve(): void {
    if (!this.waiter || this.buffer.length < this.waiter.n) return;
    const { n, resolve } = this.waiter;
    this.waiter = undefined;
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.slice(n);
    resolve(out);
  }
}
