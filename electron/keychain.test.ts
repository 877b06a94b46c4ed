/**
 * The keychain check, without Electron: a table over platforms, modes and every backend
 * Electron's type definitions name, and checkKeychain against a probe answering as safeStorage
 * does on a Linux without a keyring.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKeychain, judgeKeychain, KeychainRefused, type StorageBackend } from './keychain.ts';

/** The backends getSelectedStorageBackend() may answer, read from Electron's electron.d.ts. */
function electronBackends(): string[] {
  const types = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('electron')), 'electron.d.ts'),
    'utf8',
  );
  const union = /getSelectedStorageBackend\(\): \(([^)]+)\);/.exec(types)?.[1];
  if (!union) throw new Error('no getSelectedStorageBackend in electron.d.ts');
  return union.split('|').map((b) => b.trim().replace(/'/g, ''));
}

const keyrings: StorageBackend[] = ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'];

describe('judgeKeychain', () => {
  it('knows every backend Electron names', () => {
    expect(electronBackends().sort()).toEqual([...keyrings, 'basic_text', 'unknown'].sort());
  });

  it.each(keyrings)('Linux with a keyring (%s): used in both modes, no warning', (backend) => {
    for (const mode of ['production', 'simulator'] as const)
      expect(
        judgeKeychain({ platform: 'linux', mode, encryptionAvailable: true, backend }),
      ).toEqual({ use: true });
  });

  it.each(['basic_text', 'unknown'] as const)(
    "Linux on '%s': production refuses by name, a simulator warns",
    (backend) => {
      const facts = { platform: 'linux', encryptionAvailable: true, backend } as const;
      const refused = judgeKeychain({ ...facts, mode: 'production' });
      expect(refused).toEqual({ use: false, reason: expect.stringContaining(`'${backend}'`) });
      expect(refused).toMatchObject({ reason: expect.stringContaining('keyring') });
      expect(judgeKeychain({ ...facts, mode: 'simulator' })).toEqual({
        use: true,
        warning: { event: 'keychain.weak', fields: { backend } },
      });
    },
  );

  it('Windows and macOS use the OS keychain; no secret storage at all is refused everywhere', () => {
    for (const platform of ['win32', 'darwin'] as const)
      expect(judgeKeychain({ platform, mode: 'production', encryptionAvailable: true })).toEqual({
        use: true,
      });
    for (const platform of ['win32', 'darwin', 'linux'] as const)
      for (const mode of ['production', 'simulator'] as const)
        expect(
          judgeKeychain({ platform, mode, encryptionAvailable: false, backend: 'gnome_libsecret' }),
        ).toMatchObject({ use: false, reason: expect.stringMatching(/no secret storage/) });
  });
});

describe('checkKeychain', () => {
  const noKeyring = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: (): StorageBackend => 'basic_text',
  };

  it("throws KeychainRefused naming 'basic_text' in production, and logs nothing", () => {
    const logged: string[] = [];
    expect(() =>
      checkKeychain(noKeyring, 'linux', 'production', (event) => logged.push(event)),
    ).toThrow(KeychainRefused);
    expect(() => checkKeychain(noKeyring, 'linux', 'production', () => undefined)).toThrow(
      /basic_text/,
    );
    expect(logged).toEqual([]);
  });

  it('logs one warning in simulator mode, and asks no backend off Linux', () => {
    const logged: unknown[] = [];
    checkKeychain(noKeyring, 'linux', 'simulator', (event, fields) => logged.push([event, fields]));
    expect(logged).toEqual([['keychain.weak', { backend: 'basic_text' }]]);
    const windows = {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: (): StorageBackend => {
        throw new Error('Linux only');
      },
    };
    expect(() => checkKeychain(windows, 'win32', 'production', () => undefined)).not.toThrow();
  });
});
