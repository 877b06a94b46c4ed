/**
 * Whether Electron's safeStorage may seal the kiosk's keys (face gallery, payment journal).
 * On Windows (DPAPI) and macOS (Keychain) it is the OS keychain. On Linux it is the keyring on
 * the session bus (GNOME libsecret or KWallet); with none, Chromium silently falls back to
 * `basic_text`: "encryption" with a password hard-coded in Chromium, which anyone holding the
 * disk can undo. A production kiosk refuses to start on that fallback, naming it; a simulator
 * kiosk starts with a warning. Pure: main.ts passes safeStorage's answers in.
 */
import type { LogFn } from '../core/ports.ts';
import type { KioskMode } from '../core/vocabulary.ts';

/** What safeStorage.getSelectedStorageBackend() answers on Linux (Electron's type, repeated). */
export type StorageBackend =
  'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

export interface KeychainFacts {
  platform: NodeJS.Platform;
  mode: KioskMode;
  encryptionAvailable: boolean;
  /** Linux only; read after the app is ready (before, Electron answers 'unknown'). */
  backend?: StorageBackend;
}

export type KeychainVerdict =
  | { use: true; warning?: { event: string; fields: Record<string, string> } }
  | { use: false; reason: string };

const HOW_TO_FIX =
  'run the kiosk in a desktop session with a keyring (gnome-keyring or KWallet) unlocked, ' +
  'and without --password-store=basic';

export function judgeKeychain(facts: KeychainFacts): KeychainVerdict {
  if (!facts.encryptionAvailable)
    return {
      use: false,
      reason: `the operating system offers no secret storage for the kiosk's keys: ${HOW_TO_FIX}`,
    };
  if (facts.platform !== 'linux') return { use: true };
  const backend = facts.backend ?? 'unknown';
  if (backend !== 'basic_text' && backend !== 'unknown') return { use: true };
  const what =
    backend === 'basic_text'
      ? "safeStorage fell back to 'basic_text' (no keyring: keys sealed with a password every Chromium knows)"
      : "safeStorage cannot tell which keyring seals the keys ('unknown')";
  if (facts.mode === 'production') return { use: false, reason: `${what}; ${HOW_TO_FIX}` };
  return { use: true, warning: { event: 'keychain.weak', fields: { backend } } };
}

/** The part of Electron's safeStorage this check reads. */
export interface KeychainProbe {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend(): StorageBackend;
}

export class KeychainRefused extends Error {
  override readonly name = 'KeychainRefused';
}

/** Reads safeStorage's answers and applies the verdict: throws in production, logs otherwise. */
export function checkKeychain(
  storage: KeychainProbe,
  platform: NodeJS.Platform,
  mode: KioskMode,
  log: LogFn,
): void {
  const verdict = judgeKeychain({
    platform,
    mode,
    encryptionAvailable: storage.isEncryptionAvailable(),
    backend: platform === 'linux' ? storage.getSelectedStorageBackend() : undefined,
  });
  if (!verdict.use) throw new KeychainRefused(verdict.reason);
  if (verdict.warning) log(verdict.warning.event, verdict.warning.fields);
}
