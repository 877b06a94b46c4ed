/**
 * Data at rest readable by the kiosk's own account only: its data folder 0700, its SQLite
 * databases 0600 with their -wal, -shm and -journal files. The modes are set explicitly rather
 * than left to the umask, which a service manager or a shell profile may have loosened.
 * POSIX only: on Windows the mode bits mean nothing and the folder's ACL decides.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/** SQLite's files beside a database, which it creates with the database file's own mode. */
const sideFileSuffixes = ['-wal', '-shm', '-journal'] as const;

function chmodIfPresent(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Creates the data folder 0700, or tightens an existing one of ours that is looser (a folder of
 * another user's is left alone: it is not ours to change). Returns the mode it had when it was
 * tightened, for the log.
 */
export function makePrivateDir(dir: string): number | undefined {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const info = statSync(dir);
  const ours = typeof process.getuid !== 'function' || info.uid === process.getuid();
  if (!ours || (info.mode & 0o077) === 0) return undefined;
  chmodSync(dir, PRIVATE_DIR);
  return info.mode & 0o777;
}

/**
 * Opens a SQLite database readable by its owner only. The file is made 0600 before SQLite opens
 * it, so the -wal, -shm and -journal files it creates later take the same mode; ones left from
 * before (a looser umask, an older version) are tightened here too. `wal` switches the database
 * to write-ahead logging, which creates its side files at once.
 */
export function openPrivateDatabase(
  file: string,
  options: { wal?: boolean } = {},
): Database.Database {
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk) {
    closeSync(openSync(file, 'a', PRIVATE_FILE)); // an empty file is an empty database to SQLite
    chmodSync(file, PRIVATE_FILE);
  }
  const db = new Database(file);
  if (options.wal) db.pragma('journal_mode = WAL');
  if (onDisk) for (const suffix of sideFileSuffixes) chmodIfPresent(file + suffix, PRIVATE_FILE);
  return db;
}
