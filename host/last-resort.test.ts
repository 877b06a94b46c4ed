import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { redact } from './log.ts';
import { FATAL_EXIT_CODE, fatalFields, installLastResort } from './last-resort.ts';

function harness(stop: () => Promise<void>, stopTimeoutMs = 50) {
  const target = new EventEmitter();
  const lines: { event: string; fields?: Record<string, string | number | boolean> }[] = [];
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((resolve) => (exited = resolve));
  const remove = installLastResort({
    log: (event, fields) => lines.push({ event, ...(fields ? { fields } : {}) }),
    stop,
    stopTimeoutMs,
    exit: (code) => exited(code),
    target: target as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
  });
  return { target, lines, exit, remove };
}

describe('process last resort', () => {
  it('an uncaught exception logs one line (name and code only), stops, then exits non-zero', async () => {
    let stopped = false;
    const h = harness(async () => {
      stopped = true;
    });
    const error = Object.assign(new TypeError('patient Sheldon Cooper, bill B-1'), {
      code: 'ERR_X',
    });
    h.target.emit('uncaughtException', error);
    expect(await h.exit).toBe(FATAL_EXIT_CODE);
    expect(stopped).toBe(true);
    expect(h.lines).toEqual([
      {
        event: 'process.fatal',
        fields: { kind: 'uncaughtException', error: 'TypeError', code: 'ERR_X' },
      },
    ]);
    expect(JSON.stringify(h.lines)).not.toContain('Sheldon');
    // The logger's redaction (by field name) leaves the line readable.
    expect(redact(h.lines[0]!.fields!)).toEqual(h.lines[0]!.fields);
  });

  it('an unhandled rejection does the same; a stop that hangs is given up after its time', async () => {
    const h = harness(() => new Promise<void>(() => undefined), 20);
    h.target.emit('unhandledRejection', 'a bare string');
    expect(await h.exit).toBe(FATAL_EXIT_CODE);
    expect(h.lines[0]?.fields).toEqual({ kind: 'unhandledRejection', error: 'string' });
  });

  it('a failing stop still exits non-zero, and a second error does not stop twice', async () => {
    let stops = 0;
    const h = harness(async () => {
      stops++;
      throw new Error('stop failed');
    });
    h.target.emit('uncaughtException', new Error('one'));
    h.target.emit('uncaughtException', new RangeError('two'));
    expect(await h.exit).toBe(FATAL_EXIT_CODE);
    expect(stops).toBe(1);
    expect(h.lines.map((l) => l.fields?.error)).toEqual(['Error', 'RangeError']);
  });

  it('the handlers can be removed', () => {
    const h = harness(async () => undefined);
    expect(h.target.listenerCount('uncaughtException')).toBe(1);
    h.remove();
    expect(h.target.listenerCount('uncaughtException')).toBe(0);
    expect(h.target.listenerCount('unhandledRejection')).toBe(0);
    expect(fatalFields('x', null)).toEqual({ kind: 'x', error: 'object' });
  });
});
