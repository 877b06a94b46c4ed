/** 3201 daily totals: the gateway's own totals of live settlements, against the kiosk's. */
import { cents, centsToYuan, yuanToCents } from '../../../core/money.ts';
import type { Handler, TxAnswer } from './context.ts';

export const reconcileDaily: Handler<'3201'> = (input, call) => {
  const d = input.data;
  const rows = call.store.settlements.settledBetween(d.stmt_begndate, d.stmt_enddate);
  let medfee = 0;
  let fund = 0;
  let acct = 0;
  let cash = 0;
  for (const row of rows) {
    const s = (JSON.parse(row.response_json) as TxAnswer<'2207'>).setlinfo;
    medfee += yuanToCents(s.medfee_sumamt);
    fund += yuanToCents(s.fund_pay_sumamt);
    acct += yuanToCents(s.acct_pay) + yuanToCents(s.acct_mulaid_pay);
    cash += yuanToCents(s.psn_cash_pay);
  }
  const ours = {
    medfee_sumamt: centsToYuan(cents(medfee)),
    fund_pay_sumamt: centsToYuan(cents(fund)),
    acct_pay: centsToYuan(cents(acct)),
    psn_cash_pay: centsToYuan(cents(cash)),
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
