/**
 * The log in a file, for a kiosk not under systemd (journald rotates its own) or a hospital that
 * wants files: each line appended, and the file rotated by size (kiosk.log -> kiosk.log.1 ...
 * up to `keep` old files, the oldest deleted), so the log never fills the disk. Files are 0600:
 * the lines carry no personal data, but ids and times of payments are the hospital's business.
 */
import { appendFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';

export interface LogFileOptions {
  path: string;
  /** Rotate once the file reaches this size (bytes). */
  maxBytes: number;
  /** Rotated files kept beside the current one. */
  keep: number;
}

export class RotatingLogFile {
  private size: number;

  constructor(private readonly o: LogFileOptions) {
    this.size = existsSync(o.path) ? statSync(o.path).size : 0;
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.size > 0 && this.size + bytes > this.o.maxBytes) this.rotate();
    try {
      appendFileSync(this.o.path, `${line}\n`, { mode: 0o600 });
      this.size += bytes;
    } catch {
      // A full or missing disk must not take the kiosk down with it: the line still went to
      // stderr (journald) and the admin ring.
    }
  }

  private rotate(): void {
    const { path, keep } = this.o;
    try {
      rmSync(`${path}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--)
        if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      if (keep >= 1) renameSync(path, `${path}.1`);
      else rmSync(path, { force: true });
    } catch {
      // As above: rotation trouble is not worth a patient's payment.
    }
    this.size = 0;
  }
}
