/**
 * End of day for one kiosk: the journal's settlements of one business day (the day the gateway
 * settled them, hospital time zone; settled-days.ts) against the gateway's, with 3201 per
 * insurance type and clearing type for this kiosk's `opter` only, so each kiosk of a fleet
 * reconciles its own day. A group whose totals differ is looked at row by row (3202). The report
 * staff print from admin mode says which group differs and which settlements explain it.
 */
import { settlingInsuranceTypes } from '../core/vocabulary.ts';
import { type Cents, centsToYuan, formatYuan, yuanToCents } from '../core/money.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal } from './journal.ts';
import type { TxOutput } from './protocol.ts';
import { type SettledPayment, settledOnDay } from './settled-days.ts';
import { type ClearingType, clearingTypes } from './wire-vocabulary.ts';

export interface Totals {
  total: number;
  fund: number;
  account: number;
  cash: number;
  count: number;
}

/** One settlement 3202 looked at: where it is, and its amounts on each side that has it. */
export interface DetailLine {
  setlId: string;
  msgid: string;
  verdict: 'agrees' | 'only-at-gateway' | 'only-at-kiosk' | 'amounts-differ';
  kiosk?: { total: number; fund: number; account: number };
  gateway?: { total: number; fund: number; account: number };
}

export interface GroupReport {
  insutype: string;
  clrType: ClearingType;
  agree: boolean;
  ours: Totals;
  theirs: Totals;
  description: string;
  /** 3202's rows, when the totals differ. */
  detail: DetailLine[];
}

export interface ReconciliationReport {
  date: string;
  /** The kiosk (opter) whose settlements were reconciled. */
  opter: string;
  agree: boolean;
  /** Sums over every group. */
  ours: Totals;
  theirs: Totals;
  description: string;
  /** The groups with a settlement on either side (a group empty on both sides is left out). */
  groups: GroupReport[];
  /** Payments still being resolved: a mismatch may be explained by these. */
  openPayments: number;
}

const clearingNames: Record<ClearingType, string> = {
  '11': 'outpatient',
  '21': 'inpatient',
  '99': 'other',
};
const verdictText: Record<DetailLine['verdict'], string> = {
  agrees: 'agrees',
  'only-at-gateway': 'only at the gateway',
  'only-at-kiosk': 'only in the kiosk journal',
  'amounts-differ': 'amounts differ',
};

/** A readable end-of-day report (amounts in yuan). */
export function formatReconciliation(r: ReconciliationReport): string {
  const y = (c: number) => formatYuan(c as Cents).padStart(12);
  const row = (label: string, a: number, b: number) =>
    `${label.padEnd(24)}${y(a)}${y(b)}${a === b ? '' : '   <-- differs'}`;
  const table = (ours: Totals, theirs: Totals, indent: string) => [
    `${indent}${''.padEnd(24)}${'kiosk'.padStart(12)}${'gateway'.padStart(12)}`,
    indent + row('total (medfee_sumamt)', ours.total, theirs.total),
    indent + row('fund (fund_pay_sumamt)', ours.fund, theirs.fund),
    indent + row('account (acct_pay)', ours.account, theirs.account),
    indent + row('cash (psn_cash_pay)', ours.cash, theirs.cash),
    `${indent}${'settlements'.padEnd(24)}${String(ours.count).padStart(12)}${String(theirs.count).padStart(12)}${ours.count === theirs.count ? '' : '   <-- differs'}`,
  ];
  const amounts = (a: { total: number; fund: number; account: number }) =>
    `total ${formatYuan(a.total as Cents)}, fund ${formatYuan(a.fund as Cents)}, account ${formatYuan(a.account as Cents)}`;
  const lines = [
    `Reconciliation ${r.date}, kiosk ${r.opter}: ${r.agree ? 'AGREES' : 'DOES NOT AGREE'} (${r.description})`,
    ...table(r.ours, r.theirs, ''),
  ];
  for (const g of r.groups) {
    lines.push(
      '',
      `Insurance ${g.insutype}, ${clearingNames[g.clrType]} (clr_type ${g.clrType}): ${g.agree ? 'agrees' : `DOES NOT AGREE (${g.description})`}`,
    );
    if (g.agree) continue;
    lines.push(...table(g.ours, g.theirs, '  '));
    const differing = g.detail.filter((d) => d.verdict !== 'agrees');
    if (differing.length > 0) lines.push('  Settlements that differ (3202):');
    for (const d of differing) {
      lines.push(`    ${d.setlId} (msgid ${d.msgid || '-'}): ${verdictText[d.verdict]}`);
      if (d.kiosk) lines.push(`      kiosk:   ${amounts(d.kiosk)}`);
      if (d.gateway) lines.push(`      gateway: ${amounts(d.gateway)}`);
    }
  }
  if (r.openPayments > 0)
    lines.push('', `${r.openPayments} payment(s) still being resolved by recovery`);
  return lines.join('\n');
}

export interface ReconciliationDeps {
  client: GatewayClient;
  journal: PaymentJournal;
  log: LogFn;
}

/** 3202 carries at most this many of the kiosk's rows (protocol.ts). */
const MAX_DETAIL_ROWS = 5000;

const zero = (): Totals => ({ total: 0, fund: 0, account: 0, cash: 0, count: 0 });

function totalsOf(payments: SettledPayment[]): Totals {
  const t = zero();
  for (const p of payments) {
    t.total += p.split.total;
    t.fund += p.split.fund;
    t.account += p.split.account + p.split.mutualAid;
    t.cash += p.split.cash;
    t.count += 1;
  }
  return t;
}

function add(a: Totals, b: Totals): Totals {
  return {
    total: a.total + b.total,
    fund: a.fund + b.fund,
    account: a.account + b.account,
    cash: a.cash + b.cash,
    count: a.count + b.count,
  };
}

const isEmpty = (t: Totals) =>
  t.count === 0 && t.total === 0 && t.fund === 0 && t.account === 0 && t.cash === 0;

/**
 * This kiosk's settlements of one business day against the gateway's: 3201 for every insurance
 * type and clearing type (so a group only the gateway knows is found too), 3202 for a group
 * whose totals differ.
 */
export async function reconcileDay(
  deps: ReconciliationDeps,
  date: string,
  operatorId: string,
): Promise<ReconciliationReport> {
  const payments = settledOnDay(deps.journal, date);
  const groups: GroupReport[] = [];
  let ours = zero();
  let theirs = zero();
  for (const insutype of settlingInsuranceTypes) {
    for (const clrType of clearingTypes) {
      const mine = payments.filter((p) => p.insutype === insutype && p.clrType === clrType);
      const group = await reconcileGroup(deps, { date, operatorId, insutype, clrType }, mine);
      ours = add(ours, group.ours);
      theirs = add(theirs, group.theirs);
      if (!group.agree || !isEmpty(group.ours) || !isEmpty(group.theirs)) groups.push(group);
    }
  }
  const differing = groups.filter((g) => !g.agree);
  const agree = differing.length === 0;
  deps.log('reconcile.3201', {
    date,
    agree,
    count: ours.count,
    groupsDiffering: differing.length,
  });
  return {
    date,
    opter: operatorId,
    agree,
    ours,
    theirs,
    description: agree
      ? 'totals agree in every group'
      : `${differing.length} of ${groups.length} group(s) differ`,
    groups,
    openPayments: deps.journal.open().length,
  };
}

async function reconcileGroup(
  deps: ReconciliationDeps,
  g: { date: string; operatorId: string; insutype: string; clrType: ClearingType },
  mine: SettledPayment[],
): Promise<GroupReport> {
  const ours = totalsOf(mine);
  const scope = {
    insutype: g.insutype as (typeof settlingInsuranceTypes)[number],
    clr_type: g.clrType,
    setl_optins: deps.client.areaCode,
    stmt_begndate: g.date,
    stmt_enddate: g.date,
    opter: g.operatorId,
  };
  const out = (
    await deps.client.call('3201', {
      data: {
        ...scope,
        medfee_sumamt: centsToYuan(ours.total as Cents),
        fund_pay_sumamt: centsToYuan(ours.fund as Cents),
        acct_pay: centsToYuan(ours.account as Cents),
        psn_cash_pay: centsToYuan(ours.cash as Cents),
        fixmedins_setl_cnt: ours.count,
      },
    })
  ).stmtinfo;
  const theirs: Totals = {
    total: yuanToCents(out.medfee_sumamt),
    fund: yuanToCents(out.fund_pay_sumamt),
    account: yuanToCents(out.acct_pay),
    cash: yuanToCents(out.psn_cash_pay),
    count: out.fixmedins_setl_cnt,
  };
  const agree = out.stmt_rslt === '0';
  const report = {
    insutype: g.insutype,
    clrType: g.clrType,
    agree,
    ours,
    theirs,
    description: out.stmt_rslt_dscr,
    detail: [] as DetailLine[],
  };
  if (agree) return report;
  if (mine.length > MAX_DETAIL_ROWS) {
    // More than one 3202 carries: the totals say which group, the journal lists its payments.
    return {
      ...report,
      description: `${report.description}; ${mine.length} settlements, too many for 3202`,
    };
  }
  const detail = await deps.client.call('3202', {
    data: {
      ...scope,
      file_qury_no: '',
      medfee_sumamt: centsToYuan(ours.total as Cents),
      fund_pay_sumamt: centsToYuan(ours.fund as Cents),
      cash_payamt: centsToYuan(ours.cash as Cents),
      fixmedins_setl_cnt: mine.length,
      detail: mine.map((p) => ({
        setl_id: p.setlId,
        msgid: p.paymentId,
        medfee_sumamt: centsToYuan(p.split.total),
        fund_pay_sumamt: centsToYuan(p.split.fund),
        acct_pay: centsToYuan((p.split.account + p.split.mutualAid) as Cents),
        refd_setl_flag: '0' as const,
      })),
    },
  });
  return { ...report, detail: detailLines(detail, mine) };
}

function detailLines(out: TxOutput<'3202'>, mine: SettledPayment[]): DetailLine[] {
  const kioskSide = new Map(
    mine.map((p) => [
      p.setlId,
      { total: p.split.total, fund: p.split.fund, account: p.split.account + p.split.mutualAid },
    ]),
  );
  const verdicts = {
    '0': 'agrees',
    '1': 'only-at-gateway',
    '2': 'only-at-kiosk',
    '3': 'amounts-differ',
  } as const;
  return out.stmtdetail.map((d) => {
    const verdict = verdicts[d.stmt_rslt];
    const amounts = {
      total: yuanToCents(d.medfee_sumamt),
      fund: yuanToCents(d.fund_pay_sumamt),
      account: yuanToCents(d.acct_pay),
    };
    const kiosk = kioskSide.get(d.setl_id);
    return {
      setlId: d.setl_id,
      msgid: d.msgid,
      verdict,
      ...(kiosk ? { kiosk } : {}),
      ...(verdict === 'only-at-kiosk' ? {} : { gateway: amounts }),
    };
  });
}
