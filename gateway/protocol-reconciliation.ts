/**
 * Wire schemas of the reconciliation with the platform: totals (3201) and detail (3202).
 * protocol.ts lists them in its transactions table; reconciliation.ts makes and reads them.
 */
import { z } from 'zod';
import { clearingTypes, code, insutype, yuan } from './wire-vocabulary.ts';

// ---- 3201 totals reconciliation, per insurance type (insutype) and clearing type (clr_type):
// the kiosk sends its own totals, the gateway its verdict. Extensions: psn_cash_pay (the cash
// part, which the hospital collects), `opter` (only that terminal's settlements; absent: the whole
// institution's), and the gateway's own totals in the answer, for a readable report.
const statementDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const reconcileInput = z.object({
  data: z.object({
    insutype,
    clr_type: z.enum(clearingTypes),
    setl_optins: code(6),
    stmt_begndate: statementDate,
    stmt_enddate: statementDate,
    medfee_sumamt: yuan,
    fund_pay_sumamt: yuan,
    acct_pay: yuan,
    psn_cash_pay: yuan,
    fixmedins_setl_cnt: z.number().int().min(0).max(1_000_000),
    opter: code(30).optional(),
  }),
});
export const reconcileOutput = z.object({
  stmtinfo: z.object({
    setl_optins: code(6),
    stmt_rslt: z.enum(['0', '1']), // 0 totals agree, 1 they do not
    stmt_rslt_dscr: z.string().max(500),
    medfee_sumamt: yuan,
    fund_pay_sumamt: yuan,
    acct_pay: yuan,
    psn_cash_pay: yuan,
    fixmedins_setl_cnt: z.number().int().min(0).max(1_000_000),
  }),
});

// ---- 3202 detail reconciliation, asked for a group whose totals differ. The platform takes the
// kiosk's detail as an uploaded file (9101, file_qury_no) and answers with a file to download
// (9102); the simulator takes and gives the same rows inline (`detail`, `stmtdetail`:
// extensions), so file_qury_no is empty. Row verdicts (stmt_rslt): 0 agrees, 1 only at the
// gateway, 2 only at the kiosk, 3 amounts differ.
export const detailRowSchema = z.object({
  setl_id: code(30),
  msgid: z.string().max(30),
  medfee_sumamt: yuan,
  fund_pay_sumamt: yuan,
  acct_pay: yuan,
  refd_setl_flag: z.enum(['0', '1']), // 1: a reversal
});
export const detailVerdicts = ['0', '1', '2', '3'] as const;
export const reconcileDetailInput = z.object({
  data: z.object({
    insutype,
    clr_type: z.enum(clearingTypes),
    setl_optins: code(6),
    file_qury_no: z.string().max(30),
    stmt_begndate: statementDate,
    stmt_enddate: statementDate,
    medfee_sumamt: yuan,
    fund_pay_sumamt: yuan,
    cash_payamt: yuan,
    fixmedins_setl_cnt: z.number().int().min(0).max(5000),
    opter: code(30).optional(),
    detail: z.array(detailRowSchema).max(5000),
  }),
});
export const reconcileDetailOutput = z.object({
  stmtdetail: z
    .array(
      detailRowSchema.extend({
        stmt_rslt: z.enum(detailVerdicts),
        memo: z.string().max(200),
      }),
    )
    .max(10_000),
});
