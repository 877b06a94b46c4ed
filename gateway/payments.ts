/**
 * Payments that never lose or double a settlement. The order of operations is chosen so that a
 * crash at any point leaves neither a patient charged without a settlement nor a settlement
 * without its cash collected (docs/settlement.md has the table):
 *
 *   1. journal the intent (2207 msgid, the exact 2207 input, the 2206 split)
 *   2. collect the cash part first (mobile order / credit / wallet code), journalled
 *   3. journal "sent", then 2207 with the journalled msgid (the gateway's idempotency key)
 *   4. settled -> done; refused -> refund the cash; unknown -> in doubt, resolved by re-sending
 *      the same msgid (never settles twice) or at start-up by recover()
 *
 * A settlement whose cash part differs from what was collected is reversed (2208) and the cash
 * refunded, so the patient is never charged an amount they did not see.
 */
import type {
  Bill,
  CashMethod,
  CashOrder,
  Clock,
  Patient,
  PreSettlement,
  Settlement,
} from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import { type Cents, centsToYuan, formatYuan, yuanToCents } from '../core/money.ts';
import type { LogFn } from '../core/ports.ts';
import { formatInTimeZone } from '../core/time.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal, PaymentRow } from './journal.ts';

export type { CashOrder };
import { settleOutput, type TxInput, type TxOutput } from './protocol.ts';
import { splitFromSetlinfo } from './wire-mapping.ts';

export type CashOutcome = 'paid' | 'expired' | 'cancelled';

export interface PaymentCoordinatorOptions {
  client: GatewayClient;
  journal: PaymentJournal;
  clock: Clock;
  timeZone: string;
  log: LogFn;
  /** Poll intervals for a mobile order, in ms; the last one repeats. */
  pollMs?: number[];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ReconciliationReport {
  date: string;
  agree: boolean;
  ours: { total: number; fund: number; account: number; cash: number; count: number };
  theirs: { total: number; fund: number; account: number; cash: number; count: number };
  description: string;
  /** Payments still being resolved: a mismatch may be explained by these. */
  openPayments: number;
}

/** A readable end-of-day report (amounts in yuan). */
export function formatReconciliation(r: ReconciliationReport): string {
  const y = (c: number) => formatYuan(c as Cents).padStart(12);
  const row = (label: string, a: number, b: number) =>
    `${label.padEnd(22)}${y(a)}${y(b)}${a === b ? '' : '   <-- differs'}`;
  return [
    `Reconciliation ${r.date}: ${r.agree ? 'AGREES' : 'DOES NOT AGREE'} (${r.description})`,
    `${''.padEnd(22)}${'kiosk'.padStart(12)}${'gateway'.padStart(12)}`,
    row('total (medfee_sumamt)', r.ours.total, r.theirs.total),
    row('fund (fund_pay_sumamt)', r.ours.fund, r.theirs.fund),
    row('account (acct_pay)', r.ours.account, r.theirs.account),
    row('cash (psn_cash_pay)', r.ours.cash, r.theirs.cash),
    `${'settlements'.padEnd(22)}${String(r.ours.count).padStart(12)}${String(r.theirs.count).padStart(12)}`,
    ...(r.openPayments > 0
      ? [`${r.openPayments} payment(s) still being resolved by recovery`]
      : []),
  ].join('\n');
}

export interface RecoveryReport {
  examined: number;
  settled: number;
  reversed: number;
  refunded: number;
  failed: number;
  stillOpen: number;
}

const isCode = (error: unknown, ...codes: string[]) =>
  error instanceof KioskError && codes.includes(error.code);

export class PaymentCoordinator {
  constructor(private readonly o: PaymentCoordinatorOptions) {}

  /**
   * Steps 1 and 2: journal the intent and open the cash collection. `cashPayer` is who pays the
   * cash part when it is not the bill's patient (family mutual aid: the payer at the kiosk, whose
   * credit line or wallet is used); the journal keeps the bill's patient, whom 2207/2208 name.
   */
  async begin(
    patient: Patient,
    bill: Bill,
    preview: PreSettlement,
    settleInput: TxInput<'2207'>,
    method: CashMethod,
    walletCode?: string,
    cashPayer: Patient = patient,
  ): Promise<{ paymentId: string; order?: CashOrder; cash: 'none' | 'pending' | 'paid' }> {
    const s = preview.split;
    if (s.cash > 0 && method === 'none')
      throw new KioskError('internal', 'a cash part needs a payment method');
    const paymentId = this.o.client.newMsgid();
    const usesCash = s.cash > 0;
    this.o.journal.create({
      payment_id: paymentId,
      business_date: formatInTimeZone(this.o.clock.now(), this.o.timeZone).date,
      bill_id: bill.id,
      psn_no: patient.personNo,
      insured_area: patient.insuredArea,
      settle_input_json: JSON.stringify(settleInput),
      total_cents: s.total,
      fund_cents: s.fund,
      account_cents: s.account,
      mutual_aid_cents: s.mutualAid,
      cash_cents: s.cash,
      cash_method: usesCash ? method : 'none',
      order_no: usesCash ? paymentId : '',
      cash_state: usesCash ? 'pending' : 'none',
      settle_state: 'intent',
    });
    if (!usesCash) return { paymentId, cash: 'none' };
    const area = { insuredArea: patient.insuredArea };
    const created = await this.retryOnce(() =>
      this.o.client.call(
        'K201',
        {
          data: {
            order_no: paymentId,
            psn_no: cashPayer.personNo,
            chrg_bchno: bill.id,
            amount: centsToYuan(s.cash),
          },
        },
        area,
      ),
    );
    let order = created.order;
    if (method === 'credit') {
      order = (
        await this.retryOnce(() =>
          this.o.client.call(
            'K302',
            {
              data: {
                order_no: paymentId,
                psn_no: cashPayer.personNo,
                amount: centsToYuan(s.cash),
              },
            },
            area,
          ),
        )
      ).order;
    } else if (method === 'wallet-code') {
      if (!walletCode) throw new KioskError('internal', 'a wallet code payment needs the code');
      order = (
        await this.retryOnce(() =>
          this.o.client.call(
            'K205',
            { data: { order_no: paymentId, auth_code: walletCode } },
            area,
          ),
        )
      ).order;
    }
    if (order.status === 'paid')
      this.o.journal.update(
        paymentId,
        { cash_state: 'paid' },
        `cash paid by ${order.channel || method}`,
      );
    return {
      paymentId,
      cash: order.status === 'paid' ? 'paid' : 'pending',
      order: {
        orderNo: order.order_no,
        codeUrl: order.code_url,
        amount: yuanToCents(order.amount),
        expiresAt: order.expire_time,
      },
    };
  }

  /** The patient showed a wallet payment code instead of scanning our QR: charge the same order. */
  async payWithWalletCode(paymentId: string, code: string): Promise<void> {
    const p = this.require(paymentId);
    if (p.cash_state !== 'pending') return;
    const order = (
      await this.retryOnce(() =>
        this.o.client.call(
          'K205',
          { data: { order_no: p.order_no, auth_code: code } },
          { insuredArea: p.insured_area },
        ),
      )
    ).order;
    // The poll in waitForCash sees the order paid and moves the session on.
    if (order.status === 'paid') this.o.log('payment.wallet-code', { paymentId });
  }

  /** Polls the mobile order until the patient has paid, it expired, or the session gave up. */
  async waitForCash(paymentId: string, signal: AbortSignal): Promise<CashOutcome> {
    const p = this.require(paymentId);
    if (p.cash_state === 'paid' || p.cash_method === 'none') return 'paid';
    const intervals = this.o.pollMs ?? [1000, 1000, 2000, 2000, 3000];
    const sleep = this.o.sleep ?? abortableSleep;
    for (let i = 0; !signal.aborted; i++) {
      let order: TxOutput<'K202'>['order'] | undefined;
      try {
        order = (
          await this.o.client.call(
            'K202',
            { data: { order_no: p.order_no } },
            { insuredArea: p.insured_area },
          )
        ).order;
      } catch (error) {
        // A failed poll changes nothing; keep polling until the order's own expiry.
        this.o.log('payment.poll-failed', {
          paymentId,
          code: error instanceof KioskError ? error.code : 'unknown',
        });
      }
      // The session gave up while this poll was out: abandon() asks the gateway itself and
      // journals what it finds, which a late answer here must not overwrite.
      if (signal.aborted) break;
      if (order?.status === 'paid') {
        this.o.journal.update(paymentId, { cash_state: 'paid' }, `cash paid by ${order.channel}`);
        return 'paid';
      }
      if (
        order?.status === 'expired' ||
        order?.status === 'cancelled' ||
        order?.status === 'refunded'
      ) {
        this.o.journal.update(
          paymentId,
          { cash_state: order.status === 'expired' ? 'expired' : 'cancelled' },
          `cash ${order.status}`,
        );
        return order.status === 'expired' ? 'expired' : 'cancelled';
      }
      await sleep(intervals[Math.min(i, intervals.length - 1)]!, signal);
    }
    return 'cancelled';
  }

  /** Steps 3 and 4: settle with the journalled msgid, after the cash is in. */
  async complete(paymentId: string): Promise<Settlement> {
    let p = this.require(paymentId);
    if (p.settle_state === 'settled') return this.settlementOf(p);
    if (p.cash_method !== 'none' && p.cash_state !== 'paid') {
      throw new KioskError('internal', 'the cash part has not been collected');
    }
    p = this.o.journal.update(paymentId, { settle_state: 'sent' }, '2207 sent');
    let out: TxOutput<'2207'>;
    try {
      out = await this.send2207(p);
    } catch (error) {
      if (isCode(error, 'gateway-rejected')) {
        // A definite refusal: nothing was settled, so the cash goes back.
        this.o.journal.update(
          paymentId,
          { settle_state: 'failed', problem: 'rejected' },
          '2207 rejected',
        );
        await this.refund(paymentId, 'settlement refused');
        throw error;
      }
      this.o.journal.update(
        paymentId,
        { settle_state: 'in-doubt', problem: error instanceof KioskError ? error.code : 'unknown' },
        '2207 in doubt',
      );
      return this.resolveNow(paymentId, error);
    }
    try {
      return await this.accept(paymentId, out);
    } catch (error) {
      if (!isCode(error, 'settlement-in-doubt')) throw error;
      return this.resolveNow(paymentId, error);
    }
  }

  /** While the patient waits: one query by msgid may already tell what happened. */
  private async resolveNow(paymentId: string, cause: unknown): Promise<Settlement> {
    const p = this.require(paymentId);
    try {
      const q = (
        await this.o.client.call(
          'K102',
          { data: { msgid: paymentId } },
          { insuredArea: p.insured_area },
        )
      ).txn;
      if (q.found && q.status === 'settled')
        return await this.accept(paymentId, settleOutputOf(q.response));
    } catch (error) {
      if (!isCode(error, 'settlement-in-doubt', 'gateway-unavailable', 'gateway-bad-response'))
        throw error;
    }
    throw new KioskError('settlement-in-doubt', 'the settlement outcome is unknown', { cause });
  }

  /** The session ended before settling: cancel the cash order, refunding it if it was paid. */
  async abandon(paymentId: string): Promise<void> {
    const p = this.require(paymentId);
    if (p.settle_state !== 'intent') return;
    if (p.cash_state === 'pending') {
      try {
        const order = (
          await this.o.client.call(
            'K203',
            { data: { order_no: p.order_no } },
            { insuredArea: p.insured_area },
          )
        ).order;
        if (order.status === 'paid') {
          this.o.journal.update(paymentId, { cash_state: 'paid' }, 'paid just before cancel');
          await this.refund(paymentId, 'session ended');
        } else {
          this.o.journal.update(
            paymentId,
            { cash_state: order.status === 'expired' ? 'expired' : 'cancelled' },
            `cash ${order.status}`,
          );
        }
      } catch (error) {
        if (isCode(error, 'gateway-rejected')) {
          this.o.journal.update(paymentId, { cash_state: 'cancelled' }, 'no order at the gateway');
        } else this.o.log('payment.abandon-deferred', { paymentId }); // recovery finishes it
      }
    } else if (p.cash_state === 'paid') await this.refund(paymentId, 'session ended');
  }

  /** Start-up: resolve every payment the journal left open. Safe to run any number of times. */
  async recover(): Promise<RecoveryReport> {
    const report: RecoveryReport = {
      examined: 0,
      settled: 0,
      reversed: 0,
      refunded: 0,
      failed: 0,
      stillOpen: 0,
    };
    for (const p of this.o.journal.open()) {
      report.examined++;
      try {
        await this.recoverOne(p, report);
      } catch (error) {
        this.o.log('payment.recovery-deferred', {
          paymentId: p.payment_id,
          code: error instanceof KioskError ? error.code : 'unknown',
        });
      }
    }
    report.stillOpen = this.o.journal.open().length;
    this.o.log('payment.recovery', { ...report });
    return report;
  }

  /** End of day: the journal's totals for one business day against the gateway's (3201). */
  async reconcile(date: string, operatorId: string): Promise<ReconciliationReport> {
    const rows = this.o.journal.settledOn(date);
    const ours = { total: 0, fund: 0, account: 0, cash: 0, count: rows.length };
    for (const r of rows) {
      const split = splitFromSetlinfo((JSON.parse(r.settlement_json) as TxOutput<'2207'>).setlinfo);
      ours.total += split.total;
      ours.fund += split.fund;
      ours.account += split.account + split.mutualAid;
      ours.cash += split.cash;
    }
    const out = (
      await this.o.client.call('3201', {
        data: {
          setl_optins: this.o.client.areaCode,
          stmt_begndate: date,
          stmt_enddate: date,
          medfee_sumamt: centsToYuan(ours.total as Cents),
          fund_pay_sumamt: centsToYuan(ours.fund as Cents),
          acct_pay: centsToYuan(ours.account as Cents),
          psn_cash_pay: centsToYuan(ours.cash as Cents),
          fixmedins_setl_cnt: ours.count,
          opter: operatorId,
        },
      })
    ).stmtinfo;
    const theirs = {
      total: yuanToCents(out.medfee_sumamt),
      fund: yuanToCents(out.fund_pay_sumamt),
      account: yuanToCents(out.acct_pay),
      cash: yuanToCents(out.psn_cash_pay),
      count: out.fixmedins_setl_cnt,
    };
    const agree = out.stmt_rslt === '0';
    this.o.log('reconcile.3201', { date, agree, count: ours.count });
    return {
      date,
      agree,
      ours,
      theirs,
      description: out.stmt_rslt_dscr,
      openPayments: this.o.journal.open().length,
    };
  }

  /** Reverses a settled payment (2208) and refunds its cash: for staff, and for mismatches. */
  async reverse(paymentId: string, why: string): Promise<void> {
    let p = this.require(paymentId);
    if (p.settle_state !== 'settled' && p.settle_state !== 'reversal-sent') return;
    const msgid = p.reversal_msgid || this.o.client.newMsgid();
    p = this.o.journal.update(
      paymentId,
      { settle_state: 'reversal-sent', reversal_msgid: msgid },
      `2208 sent: ${why}`,
    );
    const input = { data: { psn_no: p.psn_no, setl_id: p.setl_id, chrg_bchno: p.bill_id } };
    await this.retryOnce(() =>
      this.o.client.call('2208', input, { insuredArea: p.insured_area, msgid }),
    );
    this.o.journal.update(paymentId, { settle_state: 'reversed' }, '2208 reversed');
    await this.refund(paymentId, why);
  }

  private async recoverOne(p: PaymentRow, report: RecoveryReport): Promise<void> {
    const id = p.payment_id;
    if (p.settle_state === 'sent' || p.settle_state === 'in-doubt') {
      // Ask first; if the gateway never saw it, send it again with the same msgid: the cash is
      // in (or there is none), so completing is what the patient asked for, and it cannot double.
      const q = (
        await this.o.client.call('K102', { data: { msgid: id } }, { insuredArea: p.insured_area })
      ).txn;
      if (q.found && q.status === 'reversed') {
        this.o.journal.update(id, { settle_state: 'reversed' }, 'recovery: found reversed');
        report.reversed++;
        if (await this.refund(id, 'recovered reversal')) report.refunded++;
        return;
      }
      try {
        const out = q.found ? settleOutputOf(q.response) : await this.send2207(p);
        await this.accept(id, out);
        report.settled++;
      } catch (error) {
        if (!isCode(error, 'gateway-rejected')) throw error;
        this.o.journal.update(
          id,
          { settle_state: 'failed', problem: 'rejected' },
          'recovery: 2207 rejected',
        );
        report.failed++;
        if (await this.refund(id, 'settlement refused')) report.refunded++;
      }
      return;
    }
    if (p.settle_state === 'reversal-sent') {
      await this.reverse(id, 'recovery');
      report.reversed++;
      return;
    }
    if (p.settle_state === 'intent') {
      // The kiosk stopped before settling; the patient saw no confirmation. Give the cash back.
      if (p.cash_state === 'pending') await this.abandon(id);
      else if (p.cash_state === 'paid' || p.cash_state === 'refund-pending')
        await this.refund(id, 'never settled');
      if (this.require(id).cash_state === 'refunded') report.refunded++;
      return;
    }
    if (
      p.cash_state === 'refund-pending' ||
      (p.cash_state === 'paid' && (p.settle_state === 'failed' || p.settle_state === 'reversed'))
    ) {
      if (await this.refund(id, 'recovery')) report.refunded++;
    }
  }

  private async send2207(p: PaymentRow): Promise<TxOutput<'2207'>> {
    const input = JSON.parse(p.settle_input_json) as TxInput<'2207'>;
    // Retried only with the same msgid: the gateway returns the first result, never settles twice.
    return this.retryOnce(() =>
      this.o.client.call('2207', input, { insuredArea: p.insured_area, msgid: p.payment_id }),
    );
  }

  private async accept(paymentId: string, out: TxOutput<'2207'>): Promise<Settlement> {
    const p = this.require(paymentId);
    let split;
    try {
      split = splitFromSetlinfo(out.setlinfo);
    } catch (error) {
      // An answer that does not add up is in doubt, never a success; recovery asks again.
      this.o.journal.update(
        paymentId,
        { settle_state: 'in-doubt', problem: 'bad-split' },
        '2207 answer failed the split check',
      );
      throw new KioskError('settlement-in-doubt', 'settlement answer failed the split check', {
        cause: error,
      });
    }
    this.o.journal.update(
      paymentId,
      {
        settle_state: 'settled',
        setl_id: out.setlinfo.setl_id,
        settlement_json: JSON.stringify(out),
      },
      `2207 settled ${out.setlinfo.setl_id}`,
    );
    if (split.total !== p.total_cents || split.cash !== p.cash_cents) {
      // The patient agreed to (and paid) a different cash part: undo rather than overcharge.
      this.o.log('payment.split-changed', { paymentId });
      await this.reverse(paymentId, 'split differs from the pre-settlement');
      throw new KioskError(
        'gateway-bad-response',
        'the settlement differs from what the patient confirmed; it was reversed',
      );
    }
    return this.settlementOf(this.require(paymentId));
  }

  /** Refunds collected cash; true when this call completed a refund. */
  private async refund(paymentId: string, why: string): Promise<boolean> {
    const p = this.require(paymentId);
    if (p.cash_method === 'none' || (p.cash_state !== 'paid' && p.cash_state !== 'refund-pending'))
      return false;
    this.o.journal.update(paymentId, { cash_state: 'refund-pending' }, `refund requested: ${why}`);
    const order = (
      await this.retryOnce(() =>
        this.o.client.call(
          'K204',
          { data: { order_no: p.order_no, reason: why.slice(0, 100) } },
          { insuredArea: p.insured_area },
        ),
      )
    ).order;
    if (order.status !== 'refunded' && order.status !== 'cancelled')
      throw new KioskError('gateway-bad-response', 'refund not confirmed');
    this.o.journal.update(paymentId, { cash_state: 'refunded' }, 'refunded');
    return true;
  }

  private settlementOf(p: PaymentRow): Settlement {
    const out = JSON.parse(p.settlement_json) as TxOutput<'2207'>;
    return {
      settlementId: out.setlinfo.setl_id,
      msgid: p.payment_id,
      billId: p.bill_id,
      settledAt: out.setlinfo.setl_time,
      split: splitFromSetlinfo(out.setlinfo),
    };
  }

  private require(paymentId: string): PaymentRow {
    const p = this.o.journal.get(paymentId);
    if (!p) throw new KioskError('internal', `no such payment in the journal`);
    return p;
  }

  /** One retry for a call whose outcome is unknown; every call here is idempotent by key. */
  private async retryOnce<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isCode(error, 'settlement-in-doubt', 'gateway-unavailable', 'gateway-bad-response'))
        throw error;
      return call();
    }
  }
}

function settleOutputOf(response: Record<string, unknown> | null): TxOutput<'2207'> {
  const parsed = settleOutput.safeParse(response);
  if (!parsed.success)
    throw new KioskError('settlement-in-doubt', 'query answer has no valid settlement');
  return parsed.data;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
