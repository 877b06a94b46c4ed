/**
 * One kiosk per data folder: two hosts on one folder would both recover the same in-doubt
 * payments and write the same databases. The lock is a file created exclusively (O_EXCL) holding
 * the owner's pid; a lock left by a process that is gone (a crash, a SIGKILL) is taken over, so a
 * supervisor's restart is never blocked by the instance it replaces.
 */
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'kiosk.lock';

export class DataFolderLocked extends Error {
  override readonly name = 'DataFolderLocked';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the data folder ${dataDir} is in use by another kiosk (pid ${pid})`);
  }
}

export interface DataFolderLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's; safe to call twice. */
  release(): void;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  pid?: number;
  alive?: (pid: number) => boolean;
}

export function lockDataFolder(dataDir: string, o: LockOptions = {}): DataFolderLock {
  const pid = o.pid ?? process.pid;
  const alive = o.alive ?? processAlive;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  // Two attempts: the second after removing a stale lock. Two processes taking over the same
  // stale lock at once could both succeed in theory; supervisors start one at a time.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder !== undefined && alive(holder)) throw new DataFolderLocked(dataDir, holder);
      removeIfPresent(path);
      continue;
    }
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        if (readHolder(path) === pid) removeIfPresent(path);
      },
    };
  }
  throw new DataFolderLocked(dataDir, readHolder(path) ?? 0);
}

/** The pid in a lock file; undefined when the file is gone, empty or not a pid (stale). */
function readHolder(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
