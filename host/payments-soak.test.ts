/**
 * 500 payments leave the kiosk host's memory and open handles flat (issue 17). Each payment goes
 * the real way in simulator mode: the patient's e-voucher held to the simulated scanner, the
 * bills (5301), pre-settlement (2206), the settlement (2207) through the journal, the receipt
 * printed on the simulated printer and recorded (K401), back home. The face route is left out:
 * the voucher route pays in a few tens of ms, the face one in about a second of engine time.
 *
 * Memory (the JS heap and what JS objects hold outside it) is read after a forced full GC, once
 * the first 100 payments have warmed every cache, and again after payment 500. The simulated printer keeps every byte it ever printed (testers
 * read receipts back), so its own archive is measured and taken off the growth, and stated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { KioskHost } from './kiosk-host.ts';
import { drivePayment, drivenScenario, payerOf, postBill } from './testing/kiosk-payments.ts';

const PAYMENTS = 500;
const WARM_UP = 100;
/** Heap growth allowed between payment 100 and 500, the printer's archive taken off. */
const HEAP_BOUND_BYTES = 20 * 1024 * 1024;
/** Open handles (sockets, timers, file requests) may differ by this many, per kind and in all. */
const HANDLES_BOUND = 2;

// A full collection on demand: `gc` is not exposed in Vitest's workers, so the flag is set here
// and the function taken from a fresh context, which sees it.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dataDir: string;
let host: KioskHost;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-soak-'));
  host = await KioskHost.start({
    config: parseConfig({ kioskId: 'SOAK-01' }),
    dataDir,
    log: () => undefined,
    clock: { now: () => new Date() },
    // Nobody enrolled by face: the host starts without enrolling photos it would not use.
    scenario: drivenScenario({ faces: false, emptyAccounts: [] }),
  });
});
afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The JS heap and the memory outside it that JS objects hold (Buffers, typed arrays, SQLite's
 * and sockets' external allocations), after a full GC: a leak of either shows.
 */
function heapAfterGc(): number {
  // Twice: the first pass runs finalizers that free more in the second.
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** Open handles by kind; the resource list names one entry per handle or request. */
function handles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo())
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** What the simulated printer holds (every byte printed): kept on purpose, not a leak. */
function printerArchiveBytes(): number {
  const printer = host.simulators!.printer!;
  // `bytes` copies the printed log into a Uint8Array: its length is the byte count; held as a
  // number[] (8 bytes an element) plus the receipts split at each cut.
  return (
    printer.bytes.length * 8 + printer.receipts.reduce((sum, receipt) => sum + receipt.length, 0)
  );
}

describe('the kiosk under 500 payments', () => {
  it('keeps heap and open handles flat', { timeout: 240_000 }, async ({ annotate }) => {
    const scenario = drivenScenario({ faces: false, emptyAccounts: [] });
    // Two payers in turn: the scanner drops the same code held twice within 1.5 s.
    const payers = [payerOf(scenario, 'P0001'), payerOf(scenario, 'P0002')];
    const gateway = host.simulators!.gateway;
    let heapAtWarm = 0;
    let printerAtWarm = 0;
    let handlesAtWarm = new Map<string, number>();
    const started = performance.now();
    for (let i = 1; i <= PAYMENTS; i++) {
      const payer = payers[i % payers.length]!;
      const billId = `SOAK${String(i).padStart(6, '0')}`;
      postBill(gateway, payer.psnNo, billId);
      const paid = await drivePayment(host, { route: 'voucher', payer, billId });
      expect(paid.cashCents).toBe(0);
      if (i === WARM_UP) {
        heapAtWarm = heapAfterGc();
        printerAtWarm = printerArchiveBytes();
        handlesAtWarm = handles();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const heapAtEnd = heapAfterGc();
    const handlesAtEnd = handles();
    const printerGrowth = printerArchiveBytes() - printerAtWarm;
    const growth = heapAtEnd - heapAtWarm - printerGrowth;

    // Every payment was settled once and printed once.
    expect(gateway.store.settlements.count()).toBe(PAYMENTS);
    expect(host.simulators!.printer!.receipts).toHaveLength(PAYMENTS);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    await annotate(
      `soak: ${PAYMENTS} payments in ${seconds.toFixed(1)} s; heap + external after GC ${mb(heapAtWarm)} MB at ` +
        `${WARM_UP}, ${mb(heapAtEnd)} MB at ${PAYMENTS}; printer archive +${mb(printerGrowth)} MB; ` +
        `growth net of it ${mb(growth)} MB; handles ${JSON.stringify(Object.fromEntries(handlesAtEnd))}`,
    );
    expect(growth).toBeLessThan(HEAP_BOUND_BYTES);
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(Math.abs(total(handlesAtEnd) - total(handlesAtWarm))).toBeLessThanOrEqual(HANDLES_BOUND);
    for (const kind of new Set([...handlesAtWarm.keys(), ...handlesAtEnd.keys()])) {
      const delta = (handlesAtEnd.get(kind) ?? 0) - (handlesAtWarm.get(kind) ?? 0);
      expect(Math.abs(delta), `open ${kind} handles`).toBeLessThanOrEqual(HANDLES_BOUND);
    }
  });
});
