/**
 * What a vendor ticket needs from a kiosk, without anything a patient would not want sent: the
 * configuration with its secrets replaced, the kiosk's recent log (journald, or a log file) with
 * anything shaped like an ID number, phone number or key masked, versions, the data folder's
 * listing (names, sizes, modes; no contents), the device check, and the payment journal's open
 * entries read from its clear columns only (reference, bill, amounts, states; never who).
 *
 * `npm run support -- bundle` (scripts/support.ts) writes it as a .tar.gz.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { arch, platform, release } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { isFinal, type PaymentRow } from '../gateway/journal.ts';

const REDACTED = '[redacted]';

/** Keys whose values are secrets wherever they appear in the configuration. */
const SECRET_KEYS = /^(secret|adminPin|pin|pinHash|badgeHash|password|token|pinnedKeys)$/i;

/** The configuration with every secret replaced (by key name, at any depth). */
export function redactConfig(config: unknown): unknown {
  if (Array.isArray(config)) return config.map(redactConfig);
  if (config === null || typeof config !== 'object') return config;
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, SECRET_KEYS.test(k) ? REDACTED : redactConfig(v)]),
  );
}

/**
 * A log line with what could name a patient masked. The kiosk never logs personal data by
 * design (host/log.ts); this is the second line of defence for a file that leaves the hospital.
 */
export function redactLogLine(line: string): string {
  return (
    line
      // Chinese resident ID numbers (18 characters, the last may be X) and 15-digit old ones.
      .replace(/\b\d{17}[\dXx]\b|\b\d{15}\b/g, '[id]')
      // Mainland mobile numbers.
      .replace(/\b1[3-9]\d{9}\b/g, '[phone]')
      // Long hex or base64 runs: keys, tokens, signatures.
      .replace(/\b[0-9a-f]{32,}\b/gi, '[hex]')
      .replace(/[A-Za-z0-9+/]{40,}={0,2}/g, '[b64]')
  );
}

export interface OpenEntry {
  reference: string;
  billId: string;
  since: string;
  settleState: string;
  cashState: string;
  totalCents: number;
  cashCents: number;
  problem: string;
}

/** The journal's open payments from its clear columns, read-only: no key needed, none used. */
export function openJournalEntries(journalFile: string): OpenEntry[] {
  if (!existsSync(journalFile)) return [];
  const db = new Database(journalFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT payment_id, bill_id, created_at, settle_state, cash_state, cash_method,
                total_cents, cash_cents, problem FROM payments ORDER BY created_at`,
      )
      .all() as Pick<
      PaymentRow,
      | 'payment_id'
      | 'bill_id'
      | 'created_at'
      | 'settle_state'
      | 'cash_state'
      | 'cash_method'
      | 'total_cents'
      | 'cash_cents'
      | 'problem'
    >[];
    return rows
      .filter((r) => !isFinal(r))
      .map((r) => ({
        reference: r.payment_id,
        billId: r.bill_id,
        since: r.created_at,
        settleState: r.settle_state,
        cashState: r.cash_state,
        totalCents: r.total_cents,
        cashCents: r.cash_cents,
        problem: r.problem,
      }));
  } finally {
    db.close();
  }
}

/** The data folder as a listing: path, size and mode of each file, nothing of what is in it. */
export function dataListing(dataDir: string, limit = 2000): string[] {
  if (!existsSync(dataDir)) return [`${dataDir}: does not exist`];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (out.length >= limit) return;
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      else
        out.push(
          `${(info.mode & 0o777).toString(8)} ${String(info.size).padStart(12)} ${relative(dataDir, path)}`,
        );
    }
  };
  walk(dataDir);
  return out;
}

export function versions(projectRoot: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    name?: string;
    version?: string;
  };
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 5000,
  });
  return {
    kiosk: `${pkg.name ?? 'kiosk'} ${pkg.version ?? '?'}`,
    commit: git.status === 0 ? git.stdout.trim() : 'not a git checkout',
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}

/** The kiosk service's recent log from journald, when it runs under systemd; else undefined. */
export function journaldLog(unit: string, since = '2 days ago'): string[] | undefined {
  const r = spawnSync('journalctl', ['-u', unit, '--since', since, '-o', 'cat', '--no-pager'], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 || r.error) return undefined;
  return r.stdout.split('\n').slice(-20_000);
}

/** The last `maxBytes` of a log file, as lines (the first, cut, line dropped): a log of any size. */
export function logTail(path: string, maxBytes = 16 * 1024 * 1024): string[] {
  const size = statSync(path).size;
  const start = Math.max(0, size - maxBytes);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  const lines = buffer.toString('utf8').split('\n');
  return start > 0 ? lines.slice(1) : lines;
}
