/**
 * 3201 totals and 3202 detail reconciliation: the gateway's own live settlements in the
 * statement's scope (dates by settlement time, one insutype and clr_type, and one terminal when
 * `opter` is given), against what the kiosk sends.
 */
import { cents, centsToYuan, yuanToCents } from '../../../core/money.ts';
import type { TxInput } from '../../protocol.ts';
import type { SettlementRow, StatementScope } from '../tables/settlements.ts';
import { GatewayRejection, type Handler, type TxAnswer } from './context.ts';

type Input3201 = TxInput<'3201'>['data'];
type DetailRow = TxInput<'3202'>['data']['detail'][number];

function scopeOf(call: Parameters<Handler<'3201'>>[1], d: Input3201 | TxInput<'3202'>['data']) {
  if (d.stmt_begndate > d.stmt_enddate)
    throw new GatewayRejection('stmt_begndate is after stmt_enddate');
  // A terminal reconciles its own settlements, or the institution's: never another terminal's.
  if (d.opter !== undefined && d.opter !== call.envelope.opter)
    throw new GatewayRejection(`opter "${d.opter}" is not the envelope's opter`);
  const scope: StatementScope = {
    begin: d.stmt_begndate,
    end: d.stmt_enddate,
    insutype: d.insutype,
    clrType: d.clr_type,
    opter: d.opter,
  };
  return call.store.settlements.settledIn(scope);
}

/** A stored settlement's amounts, in cents, as 3201 and 3202 count them. */
function amountsOf(row: SettlementRow) {
  const s = (JSON.parse(row.response_json) as TxAnswer<'2207'>).setlinfo;
  return {
    medfee: yuanToCents(s.medfee_sumamt),
    fund: yuanToCents(s.fund_pay_sumamt),
    // Mutual aid is paid from a personal account too: one account total.
    acct: yuanToCents(s.acct_pay) + yuanToCents(s.acct_mulaid_pay),
    cash: yuanToCents(s.psn_cash_pay),
  };
}

export const reconcileDaily: Handler<'3201'> = (input, call) => {
  const d = input.data;
  const rows = scopeOf(call, d);
  const sum = { medfee: 0, fund: 0, acct: 0, cash: 0 };
  for (const row of rows) {
    const a = amountsOf(row);
    sum.medfee += a.medfee;
    sum.fund += a.fund;
    sum.acct += a.acct;
    sum.cash += a.cash;
  }
  const ours = {
    medfee_sumamt: centsToYuan(cents(sum.medfee)),
    fund_pay_sumamt: centsToYuan(cents(sum.fund)),
    acct_pay: centsToYuan(cents(sum.acct)),
    psn_cash_pay: centsToYuan(cents(sum.cash)),
    fixmedins_setl_cnt: rows.length,
  };
  const differences = (Object.keys(ours) as (keyof typeof ours)[]).filter((k) =>
    k === 'fixmedins_setl_cnt' ? ours[k] !== d[k] : yuanToCents(ours[k]) !== yuanToCents(d[k]),
  );
  return {
    stmtinfo: {
      setl_optins: d.setl_optins,
      stmt_rslt: differences.length === 0 ? '0' : '1',
      stmt_rslt_dscr:
        differences.length === 0 ? 'totals agree' : `differs in ${differences.join(', ')}`,
      ...ours,
    },
  };
};

/** Row by row: each of the kiosk's settlements found, missing or different, and ours it lacks. */
export const reconcileDetail: Handler<'3202'> = (input, call) => {
  const d = input.data;
  if (d.detail.length !== d.fixmedins_setl_cnt)
    throw new GatewayRejection('fixmedins_setl_cnt is not the number of detail rows');
  const rows = new Map(scopeOf(call, d).map((r) => [r.setl_id, r]));
  const seen = new Set<string>();
  const out: TxAnswer<'3202'>['stmtdetail'] = [];
  for (const k of d.detail) {
    if (seen.has(k.setl_id)) throw new GatewayRejection(`setl_id ${k.setl_id} is listed twice`);
    seen.add(k.setl_id);
    const row = rows.get(k.setl_id);
    if (!row) {
      out.push({ ...k, stmt_rslt: '2', memo: 'no live settlement with this setl_id in scope' });
      continue;
    }
    const a = amountsOf(row);
    const theirs = wireRow(row, a);
    const same =
      yuanToCents(k.medfee_sumamt) === a.medfee &&
      yuanToCents(k.fund_pay_sumamt) === a.fund &&
      yuanToCents(k.acct_pay) === a.acct;
    out.push(
      same
        ? { ...theirs, stmt_rslt: '0', memo: '' }
        : { ...theirs, stmt_rslt: '3', memo: "amounts differ: these are the gateway's" },
    );
  }
  for (const row of rows.values()) {
    if (seen.has(row.setl_id)) continue;
    out.push({
      ...wireRow(row, amountsOf(row)),
      stmt_rslt: '1',
      memo: "not in the kiosk's detail",
    });
  }
  return { stmtdetail: out };
};

function wireRow(row: SettlementRow, a: ReturnType<typeof amountsOf>): DetailRow {
  return {
    setl_id: row.setl_id,
    msgid: row.msgid,
    medfee_sumamt: centsToYuan(cents(a.medfee)),
    fund_pay_sumamt: centsToYuan(cents(a.fund)),
    acct_pay: centsToYuan(cents(a.acct)),
    refd_setl_flag: '0',
  };
}
