import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFolderLocked, LOCK_FILE, lockDataFolder, processAlive } from './data-lock.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'kiosk-lock-'));

describe('data folder lock', () => {
  it('a second lock on one folder is refused, naming the folder and the pid holding it', () => {
    const dir = folder();
    const first = lockDataFolder(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    let refused: unknown;
    try {
      lockDataFolder(dir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataFolderLocked);
    expect((refused as DataFolderLocked).pid).toBe(process.pid);
    expect((refused as DataFolderLocked).message).toContain(dir);
    expect((refused as DataFolderLocked).message).toContain(String(process.pid));
    // Other folders are not affected.
    lockDataFolder(folder()).release();
    first.release();
  });

  it('release frees the folder for the next kiosk, and is safe to call twice', () => {
    const dir = folder();
    const first = lockDataFolder(dir);
    first.release();
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const second = lockDataFolder(dir);
    first.release(); // a late release of the old lock leaves the new one alone
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    second.release();
  });

  it('a stale lock, from a pid that is gone or from a file that holds no pid, is taken over', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), '4000000\n');
    const lock = lockDataFolder(dir, { alive: (pid) => pid !== 4_000_000 });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    lockDataFolder(dir).release();
  });

  it('knows a live pid from a dead one', () => {
    expect(processAlive(process.pid)).toBe(true);
    // Above Linux's pid_max (4194304 at most), so never a live process.
    expect(processAlive(2 ** 22 + 1)).toBe(false);
  });
});
