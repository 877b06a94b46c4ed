/**
 * Web mode's keys kept apart from the data they seal: systemd credentials first, then
 * KIOSK_KEYS_DIR outside the data folder; the data folder only for a simulator kiosk.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { KeyLocationError, keyNames, webModeKeyLocation } from './key-location.ts';

let root: string;
let dataDir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'key-location-'));
  dataDir = join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('production with nothing set refuses, naming the two ways to keep keys apart', () => {
  expect(() => webModeKeyLocation({ dataDir, mode: 'production', env: {} })).toThrow(
    /LoadCredentialEncrypted=.*KIOSK_KEYS_DIR/,
  );
});

it('a simulator kiosk keeps its keys in the data folder', async () => {
  const at = webModeKeyLocation({ dataDir, mode: 'simulator', env: {} });
  expect(at.where).toBe('data-dir');
  expect((await at.keys('receipts').getKey()).length).toBe(32);
});

it('KIOSK_KEYS_DIR outside the data folder: keys made there, none in the data folder', async () => {
  const keysDir = join(root, 'keys');
  const at = webModeKeyLocation({ dataDir, mode: 'production', env: { KIOSK_KEYS_DIR: keysDir } });
  expect(at.where).toBe('keys-dir');
  const key = await at.keys('payment-journal').getKey();
  expect(await at.keys('payment-journal').getKey()).toEqual(key);
  const { readdirSync } = await import('node:fs');
  expect(readdirSync(keysDir)).toEqual(['payment-journal.key']);
  expect(readdirSync(dataDir)).toEqual([]);
});

it('KIOSK_KEYS_DIR inside the data folder is refused', () => {
  expect(() =>
    webModeKeyLocation({
      dataDir,
      mode: 'production',
      env: { KIOSK_KEYS_DIR: join(dataDir, 'keys') },
    }),
  ).toThrow(KeyLocationError);
});

it('systemd credentials: read as handed in (0400, never created); a missing one is named', async () => {
  const credentials = join(root, 'credentials');
  mkdirSync(credentials, { mode: 0o700 });
  for (const name of keyNames.filter((n) => n !== 'receipts'))
    writeFileSync(join(credentials, `${name}.key`), `${'ab'.repeat(32)}\n`, { mode: 0o400 });
  expect(() =>
    webModeKeyLocation({
      dataDir,
      mode: 'production',
      env: { CREDENTIALS_DIRECTORY: credentials },
    }),
  ).toThrow(/receipts\.key is missing/);
  writeFileSync(join(credentials, 'receipts.key'), `${'cd'.repeat(32)}\n`, { mode: 0o400 });
  const at = webModeKeyLocation({
    dataDir,
    mode: 'production',
    env: { CREDENTIALS_DIRECTORY: credentials, KIOSK_KEYS_DIR: join(root, 'ignored') },
  });
  expect(at.where).toBe('systemd-credentials');
  expect((await at.keys('receipts').getKey()).toString('hex')).toBe('cd'.repeat(32));
});
