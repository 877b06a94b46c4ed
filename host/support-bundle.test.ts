/**
 * The support bundle leaves the hospital: secrets replaced, log lines masked, the journal's open
 * entries read without its key and without who. The CLI end to end: a real archive from a real
 * data folder, read back with tar.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { logTail, openJournalEntries, redactConfig, redactLogLine } from './support-bundle.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'support-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('replaces every secret in the configuration, at any depth', () => {
  const redacted = JSON.stringify(
    redactConfig({
      adminPin: '97531864',
      gateway: { url: 'https://gw', secret: 's3cr3t', tls: { pinnedKeys: ['abc'] } },
      staff: [{ id: '1001', role: 'operator', pinHash: 'scrypt$1$2' }],
      staffCall: { webhook: { url: 'https://nurse', secret: 'n4rse-call-key' } },
    }),
  );
  for (const secret of ['97531864', 's3cr3t', 'abc', 'scrypt$1$2', 'n4rse-call-key'])
    expect(redacted).not.toContain(secret);
  expect(redacted).toContain('https://gw');
  expect(redacted).toContain('1001');
});

it('masks ID numbers, phone numbers and key-like runs in log lines', () => {
  const line =
    'x 110105195003150414 13812345678 deadbeefdeadbeefdeadbeefdeadbeef00 11010519500315041X paymentId=H1101';
  const out = redactLogLine(line);
  expect(out).not.toMatch(/110105195003150414|13812345678|deadbeef|11010519500315041X/);
  expect(out).toContain('paymentId=H1101');
});

it('bundles a data folder: open payments without who, no secret, no key, read back with tar', () => {
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const journal = new PaymentJournal(
    join(dataDir, 'payment-journal.sqlite'),
    () => new Date('2026-11-22T02:00:00Z'),
    new AesGcmFieldSealer(randomBytes(32)),
  );
  journal.create({
    payment_id: 'H11010500001202611221000000001',
    business_date: '2026-11-22',
    bill_id: 'OP202611220001',
    psn_no: 'P9988776655',
    insured_area: '110105',
    settle_input_json: '{"data":{"mdtrt_cert_no":"110105195003150414"}}',
    total_cents: 5500,
    fund_cents: 2000,
    account_cents: 0,
    mutual_aid_cents: 0,
    cash_cents: 3500,
    cash_method: 'mobile',
    order_no: 'H11010500001202611221000000001',
    cash_state: 'pending',
    settle_state: 'intent',
  });
  journal.close();
  expect(openJournalEntries(join(dataDir, 'payment-journal.sqlite'))).toEqual([
    expect.objectContaining({ reference: 'H11010500001202611221000000001', cashCents: 3500 }),
  ]);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ adminPin: '97531864', kioskId: 'LOBBY-07' }));
  const log = join(dir, 'kiosk.log');
  writeFileSync(log, 'payment.begin id=110105195003150414\n');
  const out = join(dir, 'bundle.tar.gz');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(projectRoot, 'scripts', 'support.ts'),
      'bundle',
      '--config',
      config,
      '--data',
      dataDir,
      '--log',
      log,
      '--out',
      out,
      '--no-devices',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  const unpacked = join(dir, 'unpacked');
  spawnSync('mkdir', [unpacked]);
  expect(spawnSync('tar', ['-xzf', out, '-C', unpacked]).status).toBe(0);
  const read = (name: string) => readFileSync(join(unpacked, name), 'utf8');
  expect(read('config.json')).toContain('LOBBY-07');
  expect(read('config.json')).not.toContain('97531864');
  expect(read('open-payments.json')).toContain('OP202611220001');
  expect(read('open-payments.json')).not.toContain('P9988776655');
  expect(read('log.txt')).not.toContain('110105195003150414');
  expect(read('data-listing.txt')).toMatch(/600 .* payment-journal\.sqlite/);
  expect(read('versions.json')).toContain('"node"');
  // Nothing in the archive holds the patient's person number, ID number or a key file's bytes.
  const all = spawnSync('tar', ['-xzOf', out], { encoding: 'latin1' }).stdout;
  expect(all).not.toContain('P9988776655');
  expect(all).not.toContain('110105195003150414');
}, 90_000);

it('reads only the tail of a log file, whatever its size, starting at a whole line', () => {
  const path = join(dir, 'big.log');
  writeFileSync(path, Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n'));
  const tail = logTail(path, 1000);
  expect(tail.at(-1)).toBe('line 4999');
  expect(tail.join('\n').length).toBeLessThanOrEqual(1000);
  expect(tail[0]).toMatch(/^line \d+$/);
  expect(logTail(path).length).toBe(5000);
});
