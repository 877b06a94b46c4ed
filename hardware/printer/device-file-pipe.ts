/**
 * BytePipe to a printer that appears as a device file: a USB printer-class device under Linux's
 * usblp driver (/dev/usb/lp0), or a parallel port. The file is opened non-blocking and read and
 * never blocked on, so a printer that answers nothing never ties up the kiosk; status answers
 * (DLE EOT) come back on the same file where the printer supports bidirectional mode.
 */
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { parseDeviceOptions } from '../device-config.ts';
import {
  type Connection,
  type ConnectionEvents,
  ConnectionPipe,
  PipeClosed,
} from './connection-pipe.ts';

export const deviceFilePipeConfigSchema = z.strictObject({
  path: z.string().regex(/^\/dev\/[\w./-]+$/, 'a device file under /dev'),
});
export type DeviceFilePipeConfig = z.input<typeof deviceFilePipeConfigSchema>;

export class DeviceFilePipe extends ConnectionPipe {
  readonly config: z.output<typeof deviceFilePipeConfigSchema>;

  constructor(config: DeviceFilePipeConfig, name = 'printer') {
    super();
    this.config = parseDeviceOptions(name, deviceFilePipeConfigSchema, config);
  }

  protected async connect(events: ConnectionEvents): Promise<Connection> {
    let fd: number;
    try {
      fd = openSync(this.config.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    } catch (error) {
      throw new PipeClosed(
        `cannot open ${this.config.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    let open = true;
    const buffer = Buffer.alloc(4096);
    const lost = (error?: Error) => {
      if (!open) return;
      open = false;
      clearInterval(poller);
      try {
        closeSync(fd);
      } catch {
        // already gone with the device
      }
      events.lost(error);
    };
    // Node's streams do not take a printer's character device (nor a pty), so the non-blocking
    // file is drained on a short timer: status answers are a few bytes, 20 ms is plenty.
    const poller = setInterval(() => {
      while (open) {
        let n: number;
        try {
          n = readSync(fd, buffer, 0, buffer.length, null);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') lost(error as Error);
          return;
        }
        if (n === 0) return;
        events.data(Uint8Array.from(buffer.subarray(0, n)));
      }
    }, 20);
    const writeAll = async (bytes: Uint8Array) => {
      let offset = 0;
      while (offset < bytes.length) {
        if (!open) throw new PipeClosed('the printer is gone');
        try {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') {
            lost(error as Error);
            throw new PipeClosed(`write failed: ${code ?? 'error'}`);
          }
          // The printer's buffer is full: it is still printing. Wait, do not spin.
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    };
    return {
      write: writeAll,
      close: async () => {
        if (!open) return;
        open = false;
        clearInterval(poller);
        closeSync(fd);
      },
    };
  }
}
