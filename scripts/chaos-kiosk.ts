/**
 * The kiosk that `npm run chaos` kills: the host's payment parts (journal sealed under its key,
 * coordinator, receipt store, start-up recovery, receipt records for what recovery settled,
 * background recovery) composed as host/kiosk-host.ts composes them, paying bills one after
 * another as fast as the gateway lets it. The face engine and devices are left out: they take
 * seconds to start and decide nothing about money, and a hundred restarts must fit in minutes.
 *
 *   tsx scripts/chaos-kiosk.ts GATEWAY_URL DATA_DIR SEED [--settle-only]
 *
 * Prints "ready" once start-up recovery is done, then one line per payment outcome. With
 * --settle-only it pays nothing: it recovers until nothing is open (or gives up) and exits.
 */
import { join } from 'node:path';
import { KioskError } from '../core/errors.ts';
import { BackgroundRecovery } from '../gateway/background-recovery.ts';
import { GatewayClient } from '../gateway/client.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { receiptFromJournal } from '../gateway/receipt-draft.ts';
import { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import { testClientOptions } from '../gateway/testing/test-client.ts';
import { fuzzRandom } from '../core/testing/fuzz.ts';
import { FileKeySource } from '../face/gallery-store.ts';
import { ReceiptStore } from '../host/receipt-store.ts';
import { type RecoveredReceiptsDeps, recordMissingReceipts } from '../host/recovered-receipts.ts';

const [baseUrl, dataDir, seedText] = process.argv.slice(2) as [string, string, string];
const settleOnly = process.argv.includes('--settle-only');
const rng = fuzzRandom(Number(seedText));
const random = () => rng.next();
const scenario = loadScenario();
const clock = { now: () => new Date() };
const say = (line: string) => process.stdout.write(`${line}\n`);

const client = new GatewayClient(testClientOptions(baseUrl, clock, { timeoutMs: 800 }));
const journal = new PaymentJournal(
  join(dataDir, 'payment-journal.sqlite'),
  clock.now,
  new AesGcmFieldSealer(await new FileKeySource(join(dataDir, 'payment-journal.key')).getKey()),
);
const store = new ReceiptStore(
  join(dataDir, 'receipts.sqlite'),
  new AesGcmFieldSealer(await new FileKeySource(join(dataDir, 'receipts.key')).getKey()),
);
const payments = new PaymentCoordinator({
  client,
  journal,
  clock,
  timeZone: scenario.hospital.timezone,
  log: () => undefined,
  pollMs: [20, 50, 100],
  inDoubtWaitMs: 2_000,
});
const port = new GatewaySettlementPort(client, payments);
const context = () => ({
  hospitalName: scenario.hospital.fixmedins_name,
  kioskId: 'KIOSK-01',
  language: 'zh-CN' as const,
  eReceiptBaseUrl: 'https://e.example/r/',
});
const receipts: RecoveredReceiptsDeps = {
  journal,
  payments,
  store,
  notify: async (receipt, printed, problem) => {
    await client.call('K401', {
      data: { setl_id: receipt.settlement.settlementId, printed: printed ? '1' : '0', problem },
    });
  },
  context,
  now: clock.now,
  log: () => undefined,
};

// As the host starts: recover, then a receipt record for every settlement without one.
await payments.recover().catch(() => undefined);
await recordMissingReceipts(receipts).catch(() => undefined);

if (settleOnly) {
  for (let i = 0; i < 20 && journal.open().length > 0; i++) {
    await payments.recover().catch(() => undefined);
    await recordMissingReceipts(receipts).catch(() => undefined);
  }
  say(`open ${journal.open().length}`);
  process.exit(0);
}

const background = new BackgroundRecovery({
  payments,
  log: () => undefined,
  intervalMs: 300,
  afterPass: async (report) => {
    if (report.settledIds.length > 0) await recordMissingReceipts(receipts, report.settledIds);
  },
});
background.start();
say('ready');

const patients = scenario.patients;
for (;;) {
  const who = patients[Math.floor(random() * patients.length)]!;
  try {
    const patient = await port.findPatient(who.certno);
    const bills = (await port.unpaidBills(patient)).filter((b) => !b.beingChecked);
    const bill = bills[Math.floor(random() * bills.length)];
    if (!bill) continue;
    const preview = await port.preSettle(patient, bill);
    const method =
      preview.split.cash === 0 ? 'none' : random() < 0.5 ? 'mobile' : ('wallet-code' as const);
    const start = await port.beginPayment(
      patient,
      bill,
      preview,
      method,
      method === 'wallet-code' ? '134567890123456789' : undefined,
    );
    if (start.cash === 'pending') {
      // Now and then the patient walks away from the QR instead.
      if (random() < 0.15) {
        await port.abandonPayment(start.paymentId);
        say('abandoned');
        continue;
      }
      const outcome = await port.waitForCash(start.paymentId, AbortSignal.timeout(5_000));
      if (outcome !== 'paid') {
        await port.abandonPayment(start.paymentId);
        say(`cash-${outcome}`);
        continue;
      }
    }
    let settlement;
    try {
      settlement = await port.completePayment(start.paymentId);
    } catch (error) {
      if (!(error instanceof KioskError) || error.code !== 'settlement-in-doubt') throw error;
      const r = await port.confirmInDoubt(start.paymentId, AbortSignal.timeout(5_000));
      if (!r.settlement) {
        say(`in-doubt-${r.resolution}`);
        continue;
      }
      settlement = r.settlement;
    }
    // The live receipt, as the session prints and records it.
    store.record(
      receiptFromJournal(journal.get(start.paymentId)!, settlement, {
        ...context(),
        printedAt: clock.now().toISOString(),
      }),
      true,
    );
    say('settled');
  } catch (error) {
    say(
      `error-${error instanceof KioskError ? error.code : error instanceof Error ? error.name : 'unknown'}`,
    );
  }
}
