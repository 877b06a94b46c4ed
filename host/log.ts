/**
 * Structured logs: one JSON object per line. Callers pass codes and ids only, but as a second
 * line of defence any field whose name suggests personal data is redacted, and any value that
 * looks like a Chinese ID number is masked.
 */
import type { LogFn } from '../core/ports.ts';

const PERSONAL_KEY = /name|cert|idnumber|id_number|psn|phone|descriptor|face|photo/i;
const ID_NUMBER = /\b\d{6}(19|20)\d{2}\d{4}\d{3}[\dXx]\b/g;

export function redact(
  fields: Record<string, string | number | boolean>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (PERSONAL_KEY.test(key)) out[key] = '[redacted]';
    else out[key] = typeof value === 'string' ? value.replace(ID_NUMBER, '[id]') : value;
  }
  return out;
}

export function createLogger(
  write: (line: string) => void,
  now: () => Date = () => new Date(),
): LogFn {
  return (event, fields = {}) => {
    write(JSON.stringify({ time: now().toISOString(), event, ...redact(fields) }));
  };
}

/** The last lines of the (already redacted) log, for admin mode. */
export class LogRing {
  private readonly buffer: string[] = [];
  constructor(private readonly size = 300) {}
  push(line: string): void {
    this.buffer.push(line);
    if (this.buffer.length > this.size) this.buffer.splice(0, this.buffer.length - this.size);
  }
  lines(): string[] {
    return [...this.buffer];
  }
}
