/**
 * The payment journal looked after while the kiosk serves: at start, a receipt record for every
 * settlement that has none (settled just before a crash, or by start-up recovery); then recovery
 * in the background (gateway/background-recovery.ts), each settlement it finishes recorded the
 * same way (host/recovered-receipts.ts) and reported to the hospital with K401.
 */
import type { KioskConfig } from '../core/config.ts';
import type { Clock } from '../core/domain.ts';
import type { LogFn } from '../core/ports.ts';
import { BackgroundRecovery } from '../gateway/background-recovery.ts';
import type { GatewayClient } from '../gateway/client.ts';
import type { PaymentJournal } from '../gateway/journal.ts';
import type { PaymentCoordinator } from '../gateway/payments.ts';
import type { ReceiptStore } from './receipt-store.ts';
import { type RecoveredReceiptsDeps, recordMissingReceipts } from './recovered-receipts.ts';

export interface PaymentUpkeepOptions {
  config: Pick<KioskConfig, 'hospital' | 'kioskId' | 'language' | 'eReceiptBaseUrl'>;
  journal: PaymentJournal;
  payments: PaymentCoordinator;
  store: ReceiptStore;
  client: GatewayClient;
  clock: Clock;
  log: LogFn;
  /** Between background recovery passes, in ms (default 20 s). */
  intervalMs?: number;
}

export interface PaymentUpkeep {
  /** A background pass now, e.g. from admin mode ("check payments now"). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPaymentUpkeep(o: PaymentUpkeepOptions): Promise<PaymentUpkeep> {
  const deps: RecoveredReceiptsDeps = {
    journal: o.journal,
    payments: o.payments,
    store: o.store,
    notify: async (receipt, printed, problem) => {
      await o.client.call('K401', {
        data: {
          setl_id: receipt.settlement.settlementId,
          printed: printed ? '1' : '0',
          problem: problem.slice(0, 40),
        },
      });
    },
    context: () => ({
      hospitalName: o.config.hospital.name,
      kioskId: o.config.kioskId,
      language: o.config.language,
      eReceiptBaseUrl: o.config.eReceiptBaseUrl,
    }),
    now: () => o.clock.now(),
    log: o.log,
  };
  // No session is running yet: every settled payment without a record is one no patient got.
  await recordMissingReceipts(deps).catch((error: unknown) =>
    o.log('receipt.recovered-failed', { error: error instanceof Error ? error.name : 'unknown' }),
  );
  const service = new BackgroundRecovery({
    payments: o.payments,
    log: o.log,
    ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
    afterPass: async (report) => {
      // Only what this pass settled: a live session records its own patient's receipt.
      if (report.settledIds.length > 0) await recordMissingReceipts(deps, report.settledIds);
    },
  });
  service.start();
  return {
    runNow: async () => {
      await service.runNow();
    },
    stop: () => service.stop(),
  };
}
