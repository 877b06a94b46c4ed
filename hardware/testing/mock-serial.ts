/**
 * node-serialport's MockBinding, plus a cable that can be pulled. MockBinding alone cannot
 * unplug: closing its port cancels reads, which SerialPortStream takes as a deliberate close.
 * Here `unplug()` removes the mock ports and fails pending reads with a plain error, which is what
 * the OS binding does when a USB device vanishes, so the stream reports a disconnection.
 */
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import type { SerialBinding } from '../serial-port.ts';

type PortInterface = Awaited<ReturnType<SerialBinding['open']>>;

export class UnpluggableMockBinding implements SerialBinding {
  /** Every port opened so far, the latest last. */
  readonly opened: MockPortBinding[] = [];
  private readonly pulls = new Set<(error: Error) => void>();

  constructor() {
    MockBinding.reset();
  }

  /** The port a driver has open now. */
  get current(): MockPortBinding {
    const port = this.opened.at(-1);
    if (!port?.isOpen) throw new Error('no open mock port');
    return port;
  }

  createPort(path: string): void {
    MockBinding.createPort(path, { maxReadSize: 64 });
  }

  /** Pulls the cable: open ports fail, and the path is gone until `createPort` again. */
  unplug(): void {
    MockBinding.reset();
    for (const pull of [...this.pulls]) pull(new Error('device unplugged (mock)'));
  }

  list(): ReturnType<SerialBinding['list']> {
    return MockBinding.list();
  }

  async open(options: Parameters<SerialBinding['open']>[0]): Promise<PortInterface> {
    const inner = await MockBinding.open(options);
    this.opened.push(inner);
    let pull: (error: Error) => void = () => undefined;
    const pulled = new Promise<never>((_, reject) => {
      pull = reject;
    });
    pulled.catch(() => undefined);
    this.pulls.add(pull);
    const forget = () => this.pulls.delete(pull);
    // Delegation by hand: MockPortBinding's fields are live state, so no spread copies.
    return {
      get openOptions() {
        return inner.openOptions;
      },
      get isOpen() {
        return inner.isOpen;
      },
      read: (buffer, offset, length) => Promise.race([inner.read(buffer, offset, length), pulled]),
      write: (buffer) => Promise.race([inner.write(buffer), pulled]),
      close: async () => {
        forget();
        if (inner.isOpen) await inner.close();
      },
      update: (o) => inner.update(o),
      set: (o) => inner.set(o),
      get: () => inner.get(),
      getBaudRate: () => inner.getBaudRate(),
      flush: () => inner.flush(),
      drain: () => inner.drain(),
    };
  }
}
