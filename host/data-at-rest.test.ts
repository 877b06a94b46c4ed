/**
 * The kiosk's data folder as the host leaves it: the folder 0700, every database (with its
 * -wal and -shm files) and key file 0600, under the usual loose umask, and a folder left
 * looser by something else tightened at start.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { KioskHost } from './kiosk-host.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

let base: string;
let umask: number;
let host: KioskHost | undefined;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kiosk-data-at-rest-'));
  umask = process.umask(0o022); // files 0644 and folders 0755 unless the kiosk says otherwise
});
afterEach(async () => {
  await host?.stop();
  host = undefined;
  process.umask(umask);
  rmSync(base, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('data at rest', () => {
  it('the data folder is 0700, tightened if it was looser, and every database and key in it 0600', async () => {
    const dataDir = join(base, 'kiosk');
    mkdirSync(dataDir, { mode: 0o755 }); // as a loose umask or another tool would leave it
    const events: [string, unknown][] = [];
    host = await KioskHost.start({
      config: parseConfig({}),
      dataDir,
      log: (event, fields) => events.push([event, fields]),
      clock: { now: () => new Date() },
    });
    // A wrong PIN is written to the lockout database, so it exists too.
    expect(await host.service.adminLogin('13572468')).toMatchObject({ ok: false });

    expect(modeOf(dataDir)).toBe(0o700);
    expect(events).toContainEqual(['data.permissions-tightened', { was: '755', now: '700' }]);
    const files = readdirSync(dataDir);
    for (const name of [
      'payment-journal.sqlite',
      'receipts.sqlite',
      'pin-locks.sqlite',
      'gateway-simulator.sqlite',
      'payment-journal.key',
      'face-gallery.key',
      'receipts.key',
    ])
      expect(files).toContain(name);
    expect(files.some((name) => name.endsWith('-wal'))).toBe(true);
    for (const name of files) {
      const path = join(dataDir, name);
      const want = statSync(path).isDirectory() ? 0o700 : 0o600;
      expect([name, modeOf(path).toString(8)]).toEqual([name, want.toString(8)]);
    }
  });
});
