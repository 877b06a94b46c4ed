import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePrivateDir, openPrivateDatabase } from './private-files.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'private-files-'));
  umask = process.umask(0o022); // the usual loose default: files 0644, folders 0755
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('data at rest, owner only', () => {
  it('creates the data folder 0700 and tightens an existing looser one', () => {
    expect(makePrivateDir(join(dir, 'new', 'data'))).toBeUndefined();
    expect(modeOf(join(dir, 'new', 'data'))).toBe(0o700);

    mkdirSync(join(dir, 'old'), { mode: 0o755 });
    expect(makePrivateDir(join(dir, 'old'))).toBe(0o755);
    expect(modeOf(join(dir, 'old'))).toBe(0o700);
    expect(makePrivateDir(join(dir, 'old'))).toBeUndefined(); // already private
  });

  it('a new database and its -wal and -shm files are 0600 whatever the umask', () => {
    const file = join(dir, 'new.sqlite');
    const db = openPrivateDatabase(file, { wal: true });
    db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path)).toBe(0o600);
    db.close();
  });

  it('tightens a database and side files left looser by an older version', () => {
    const file = join(dir, 'old.sqlite');
    openPrivateDatabase(file, { wal: true }).close();
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      writeFileSync(path, '', { flag: 'a' });
      chmodSync(path, 0o644);
    }
    const db = openPrivateDatabase(file, { wal: true });
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path)).toBe(0o600);
    db.close();
  });

  it('a rollback journal takes the database file’s mode', () => {
    const file = join(dir, 'rollback.sqlite');
    const db = openPrivateDatabase(file);
    db.exec('CREATE TABLE t (x INTEGER)');
    db.exec('BEGIN; INSERT INTO t VALUES (1)');
    expect(modeOf(`${file}-journal`)).toBe(0o600);
    db.exec('COMMIT');
    db.close();
  });

  it('an in-memory database touches no file', () => {
    const db = openPrivateDatabase(':memory:', { wal: true });
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
  });
});
