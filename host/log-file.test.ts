/** The log file rotates by size and keeps only so many old files; real files. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RotatingLogFile } from './log-file.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'log-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('rotates at the size, keeps `keep` old files, never loses the newest line', () => {
  const path = join(dir, 'kiosk.log');
  const log = new RotatingLogFile({ path, maxBytes: 1000, keep: 2 });
  for (let i = 0; i < 100; i++) log.write(JSON.stringify({ event: 'e', i, pad: 'x'.repeat(40) }));
  expect(readdirSync(dir).sort()).toEqual(['kiosk.log', 'kiosk.log.1', 'kiosk.log.2']);
  for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(1000);
  const current = readFileSync(path, 'utf8').trim().split('\n');
  expect(JSON.parse(current.at(-1)!)).toMatchObject({ i: 99 });
  expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
  // A restart appends to the same file and counts its size.
  const again = new RotatingLogFile({ path, maxBytes: 1000, keep: 2 });
  again.write('{"event":"restart"}');
  expect(readFileSync(path, 'utf8')).toContain('restart');
});
