/**
 * `npm run chaos`: payments under random gateway faults while the kiosk is killed with SIGKILL
 * again and again, then the books are checked. The gateway simulator runs here (its store is
 * the truth about money); the kiosk (scripts/chaos-kiosk.ts) runs as a child on one data folder
 * and is killed at a random moment after it is ready, its successor recovering from what it left.
 * After the last kill a kiosk recovers with the faults gone, and this counts:
 *
 *   doubled          a bill with two live settlements, or two cash orders still paid
 *   lost             cash still paid with no settlement for it (and no refund)
 *   unrecorded       a settlement the gateway holds that the kiosk's journal does not, or back
 *   without receipt  a settlement in the journal with no receipt record
 *   open             journal entries still unresolved once the gateway is healthy
 *   3201             the kiosk's day against the gateway's, for every day touched
 *
 *   npm run chaos -- [--kills N] [--seed S] [--json]
 *
 * Exits 1 when any count is not zero or a day disagrees. Seeded: the same seed chooses the same
 * faults and kill delays (the processes' own timing still varies, which is the point).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatInTimeZone } from '../core/time.ts';
import { fuzzRandom } from '../core/testing/fuzz.ts';
import { FileKeySource } from '../face/gallery-store.ts';
import { GatewayClient } from '../gateway/client.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { type FaultKind, faultKinds } from '../gateway/simulator/faults.ts';
import { loadScenario, type Scenario } from '../gateway/simulator/scenario.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { startTestGateway, testClientOptions } from '../gateway/testing/test-client.ts';
import { ReceiptStore } from '../host/receipt-store.ts';

const here = dirname(fileURLToPath(import.meta.url));
const kioskScript = join(here, 'chaos-kiosk.ts');

export interface ChaosOptions {
  kills: number;
  seed: number;
  /** Longest wait after "ready" before the kill, in ms. */
  maxKillDelayMs?: number;
  progress?: (line: string) => void;
}

export interface ChaosReport {
  kills: number;
  seed: number;
  settlements: number;
  outcomes: Record<string, number>;
  faults: number;
  doubled: number;
  lost: number;
  unrecorded: number;
  withoutReceipt: number;
  open: number;
  days: { date: string; agree: boolean }[];
  seconds: number;
  ok: boolean;
}

/** The default patients, each with many ordinary outpatient bills, so no run runs out. */
function chaosScenario(base: Scenario, billsPerPatient: number): Scenario {
  const templates = base.bills.filter((b) => b.type === 'outpatient' && b.category === 'regular');
  const bills = templates.flatMap((t) =>
    Array.from({ length: billsPerPatient }, (_, i) => ({
      ...t,
      chrg_bchno: `CHAOS-${t.chrg_bchno}-${String(i).padStart(4, '0')}`,
    })),
  );
  return { ...base, family: [], bills };
}

const faultTargets = [
  '2207',
  '2207',
  '2207',
  'K201',
  'K202',
  'K203',
  'K204',
  'K205',
  'K102',
  '2206',
];

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const rng = fuzzRandom(o.seed);
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-chaos-'));
  const dataDir = join(dir, 'kiosk');
  const clock = { now: () => new Date() };
  const base = loadScenario();
  const scenario = chaosScenario(base, Math.max(8, Math.ceil(o.kills / 2)));
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(scenario));
  const sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario);
  const outcomes: Record<string, number> = {};
  let faults = 0;
  // The patients' phones: every order the kiosk opens is paid soon after it appears.
  const phones = setInterval(() => payPendingOrders(sim), 40);
  try {
    for (let k = 0; k < o.kills; k++) {
      sim.clearFaults();
      if (rng.chance(0.7)) {
        const kind: FaultKind = rng.pick(faultKinds);
        sim.injectFault({
          infno: rng.pick(faultTargets),
          kind,
          times: 1 + rng.int(2),
          latencyMs: 100 + rng.int(1400),
        });
        faults++;
      }
      const child = startKiosk(sim.url, dataDir, o.seed * 1000 + k);
      const lines = collectLines(child, outcomes);
      await lines.ready;
      await new Promise((r) => setTimeout(r, rng.int(o.maxKillDelayMs ?? 1500)));
      child.kill('SIGKILL');
      await lines.exited;
      o.progress?.(`kill ${k + 1}/${o.kills}`);
    }
    sim.clearFaults();
    // The last kiosk recovers with a healthy gateway, then the books are read.
    const last = startKiosk(sim.url, dataDir, o.seed, ['--settle-only']);
    await collectLines(last, outcomes).exited;
    const books = await checkBooks(sim, dataDir, scenario, clock);
    const report: ChaosReport = {
      kills: o.kills,
      seed: o.seed,
      outcomes,
      faults,
      ...books,
      seconds: Math.round((Date.now() - started) / 1000),
      ok: false,
    };
    report.ok =
      report.doubled === 0 &&
      report.lost === 0 &&
      report.unrecorded === 0 &&
      report.withoutReceipt === 0 &&
      report.open === 0 &&
      report.days.every((d) => d.agree);
    return report;
  } finally {
    clearInterval(phones);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function payPendingOrders(sim: GatewaySimulator): void {
  const pending = sim.store.db
    .prepare(`SELECT order_no FROM orders WHERE status = 'pending'`)
    .all() as { order_no: string }[];
  for (const { order_no } of pending) sim.payOrder(order_no);
}

function startKiosk(url: string, dataDir: string, seed: number, extra: string[] = []) {
  return spawn(
    process.execPath,
    ['--import', 'tsx', kioskScript, url, dataDir, String(seed), ...extra],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

/** The child's outcome lines counted; "ready" once it has recovered; its exit. */
function collectLines(child: ChildProcess, outcomes: Record<string, number>) {
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line === 'ready') markReady();
      else outcomes[line.split(' ')[0]!] = (outcomes[line.split(' ')[0]!] ?? 0) + 1;
    }
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  // A child that dies before it is ready still ends the wait for it.
  void exited.then(markReady);
  return { ready, exited };
}

async function checkBooks(
  sim: GatewaySimulator,
  dataDir: string,
  scenario: Scenario,
  clock: { now(): Date },
) {
  const db = sim.store.db;
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const doubled =
    count(`SELECT COUNT(*) AS n FROM (SELECT chrg_bchno FROM settlements WHERE status = 'settled'
           GROUP BY chrg_bchno HAVING COUNT(*) > 1)`) +
    count(`SELECT COUNT(*) AS n FROM (SELECT chrg_bchno FROM orders WHERE status = 'paid'
           GROUP BY chrg_bchno HAVING COUNT(*) > 1)`);
  // Cash still taken (paid, not refunded) with no live settlement of that payment.
  // An inpatient deposit (K701) is its cash order's "settlement": the hospital holds it.
  const lost = count(`SELECT COUNT(*) AS n FROM orders o WHERE o.status = 'paid' AND NOT EXISTS
    (SELECT 1 FROM settlements s WHERE s.msgid = o.order_no AND s.status = 'settled') AND NOT EXISTS
    (SELECT 1 FROM deposits d WHERE d.msgid = o.order_no AND d.status != 'refunded')`);
  const gatewaySettled = new Set(
    (
      db
        .prepare(
          `SELECT msgid FROM settlements WHERE status = 'settled'
           UNION SELECT msgid FROM deposits WHERE msgid IS NOT NULL AND status != 'refunded'`,
        )
        .all() as { msgid: string }[]
    ).map((r) => r.msgid),
  );
  const journal = new PaymentJournal(
    join(dataDir, 'payment-journal.sqlite'),
    clock.now,
    new AesGcmFieldSealer(await new FileKeySource(join(dataDir, 'payment-journal.key')).getKey()),
  );
  const store = new ReceiptStore(
    join(dataDir, 'receipts.sqlite'),
    new AesGcmFieldSealer(await new FileKeySource(join(dataDir, 'receipts.key')).getKey()),
  );
  try {
    const kioskSettled = journal.settledIds();
    const kioskIds = new Set(kioskSettled.map((r) => r.payment_id));
    const unrecorded =
      [...gatewaySettled].filter((id) => !kioskIds.has(id)).length +
      [...kioskIds].filter((id) => !gatewaySettled.has(id)).length;
    const withoutReceipt = kioskSettled.filter((r) => !store.has(r.setl_id)).length;
    const open = journal.open().length;
    // 3201 for every day a settlement landed on (the hospital's zone), and today.
    const zone = scenario.hospital.timezone;
    const dates = new Set([formatInTimeZone(clock.now(), zone).date]);
    // The simulator stamps settlements in the hospital's local time: the day is its first 10.
    for (const { day } of db
      .prepare(`SELECT DISTINCT substr(created_at, 1, 10) AS day FROM settlements`)
      .all() as { day: string }[])
      dates.add(day);
    const payments = new PaymentCoordinator({
      client: new GatewayClient(testClientOptions(sim.url, clock)),
      journal,
      clock,
      timeZone: zone,
      log: () => undefined,
    });
    const days = [];
    for (const date of [...dates].sort())
      days.push({ date, agree: (await payments.reconcile(date, 'KIOSK-01')).agree });
    return {
      settlements: gatewaySettled.size,
      doubled,
      lost,
      unrecorded,
      withoutReceipt,
      open,
      days,
    };
  } finally {
    journal.close();
    store.close();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const kills = Number(argValue('--kills') ?? 100);
  const seed = Number(argValue('--seed') ?? Date.now() % 100_000);
  if (!Number.isInteger(kills) || kills < 1 || kills > 10_000 || !Number.isInteger(seed)) {
    console.error('usage: npm run chaos -- [--kills 1..10000] [--seed N] [--json]');
    process.exit(2);
  }
  const json = process.argv.includes('--json');
  const report = await runChaos({
    kills,
    seed,
    ...(json ? {} : { progress: (line: string) => process.stderr.write(`\r${line}   `) }),
  });
  if (json) console.log(JSON.stringify(report));
  else {
    console.log(
      `\nchaos seed ${report.seed}: ${report.kills} kills, ${report.faults} faults injected, ` +
        `${report.settlements} settlements in ${report.seconds} s`,
    );
    console.log(`outcomes seen by the kiosks: ${JSON.stringify(report.outcomes)}`);
    console.log(
      `doubled ${report.doubled}, lost ${report.lost}, unrecorded ${report.unrecorded}, ` +
        `without receipt ${report.withoutReceipt}, open ${report.open}`,
    );
    for (const d of report.days) console.log(`3201 ${d.date}: ${d.agree ? 'agrees' : 'DIFFERS'}`);
    console.log(report.ok ? 'chaos: all invariants hold' : 'chaos: INVARIANT BROKEN');
  }
  process.exit(report.ok ? 0 : 1);
}
