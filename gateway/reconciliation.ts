/**
 * End of day: the journal's settled totals for one business day (hospital time zone) against
 * the gateway's (3201), and the readable report staff print from admin mode.
 */
import { type Cents, centsToYuan, formatYuan, yuanToCents } from '../core/money.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal } from './journal.ts';
import type { TxOutput } from './protocol.ts';
import { splitFromSetlinfo } from './wire-mapping.ts';

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

export interface ReconciliationDeps {
  client: GatewayClient;
  journal: PaymentJournal;
  log: LogFn;
}

/** The journal's totals for one business day against the gateway's (3201). */
export async function reconcileDay(
  deps: ReconciliationDeps,
  date: string,
  operatorId: string,
): Promise<ReconciliationReport> {
  const rows = deps.journal.settledOn(date);
  const ours = { total: 0, fund: 0, account: 0, cash: 0, count: rows.length };
  for (const r of rows) {
    const split = splitFromSetlinfo((JSON.parse(r.settlement_json) as TxOutput<'2207'>).setlinfo);
    ours.total += split.total;
    ours.fund += split.fund;
    ours.account += split.account + split.mutualAid;
    ours.cash += split.cash;
  }
  const out = (
    await deps.client.call('3201', {
      data: {
        setl_optins: deps.client.areaCode,
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
  deps.log('reconcile.3201', { date, agree, count: ours.count });
  return {
    date,
    agree,
    ours,
    theirs,
    description: out.stmt_rslt_dscr,
    openPayments: deps.journal.open().length,
  };
}
