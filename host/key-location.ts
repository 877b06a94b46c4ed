/**
 * Where web mode keeps the keys that seal data at rest (face gallery, payment journal, receipts).
 * Beside the data, a stolen disk or a copied backup carries both the lock and its key, so a
 * production kiosk keeps them apart, in the first of:
 *
 *   1. systemd credentials ($CREDENTIALS_DIRECTORY, from LoadCredentialEncrypted=): decrypted by
 *      systemd with the machine's TPM2 or host key into a private read-only ramfs for this
 *      service only; on disk they are ciphertext bound to this machine (deploy/systemd/).
 *   2. KIOSK_KEYS_DIR: a folder outside the data folder (another volume, not in the data backup).
 *   3. The data folder itself: simulator kiosks only; production refuses it, naming both above.
 *
 * Electron does not come here: it seals its keys with the OS keychain (electron/keychain.ts).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { KioskMode } from '../core/vocabulary.ts';
import { FileKeySource, type KeySource } from '../face/gallery-store.ts';

export const keyNames = ['face-gallery', 'payment-journal', 'receipts'] as const;
export type KeyName = (typeof keyNames)[number];

export class KeyLocationError extends Error {
  override readonly name = 'KeyLocationError';
}

export interface KeyLocation {
  where: 'systemd-credentials' | 'keys-dir' | 'data-dir';
  keys(name: KeyName): KeySource;
}

export function webModeKeyLocation(o: {
  dataDir: string;
  mode: KioskMode;
  env: Readonly<Record<string, string | undefined>>;
}): KeyLocation {
  const credentials = o.env.CREDENTIALS_DIRECTORY;
  if (credentials) {
    // systemd hands them in read-only: they are made at install (systemd-creds encrypt), never here.
    const missing = keyNames.filter((n) => !existsSync(join(credentials, `${n}.key`)));
    if (missing.length > 0)
      throw new KeyLocationError(
        `systemd credentials are in use but ${missing.map((n) => `${n}.key`).join(', ')} ` +
          `${missing.length === 1 ? 'is' : 'are'} missing: add LoadCredentialEncrypted=${missing[0]}.key:... to the unit (deploy/systemd/README.md)`,
      );
    return {
      where: 'systemd-credentials',
      keys: (name) => new FileKeySource(join(credentials, `${name}.key`), { create: false }),
    };
  }
  const keysDir = o.env.KIOSK_KEYS_DIR;
  if (keysDir) {
    if (inside(keysDir, o.dataDir))
      throw new KeyLocationError(
        `KIOSK_KEYS_DIR (${keysDir}) is inside the data folder (${o.dataDir}): keys must be kept apart from the data they seal`,
      );
    return { where: 'keys-dir', keys: (name) => new FileKeySource(join(keysDir, `${name}.key`)) };
  }
  if (o.mode === 'production')
    throw new KeyLocationError(
      'a production kiosk in web mode keeps its keys apart from its data: run it under systemd with LoadCredentialEncrypted= (deploy/systemd/), or set KIOSK_KEYS_DIR to a folder outside the data folder',
    );
  return {
    where: 'data-dir',
    keys: (name) => new FileKeySource(join(o.dataDir, `${name}.key`)),
  };
}

function inside(path: string, folder: string): boolean {
  const r = relative(resolve(folder), resolve(path));
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}
