/**
 * Wire schemas of the settlements: outpatient pre-settlement and settlement (2206/2207), their
 * reversal (2208), the reversal of a call whose outcome is unknown (2601), the inpatient
 * discharge (2303/2304/2305) and its deposits (kiosk extensions K701/K702). protocol.ts lists them
 * in its transactions table; field names are the national interface's.
 */
import { z } from 'zod';
import { orderNo } from './protocol-cash.ts';
import { certificateTypes, code, insutype, yuan } from './wire-vocabulary.ts';

// ---- 2206 pre-settlement / 2207 settlement
export const settleInput = z.object({
  data: z.object({
    psn_no: code(30),
    mdtrt_cert_type: z.enum(certificateTypes),
    mdtrt_cert_no: code(600),
    med_type: z.string().max(6),
    medfee_sumamt: yuan,
    psn_setlway: z.enum(['01', '02']), // 01 itemised, 02 lump sum
    /** The visit (2201) whose uploaded fee details (2204) this settles; refused when unknown. */
    mdtrt_id: z.string().max(30),
    chrg_bchno: z.string().min(1).max(64),
    insutype,
    acct_used_flag: z.enum(['0', '1']),
    /**
     * Kiosk extension (family accounts): the payer whose personal account pays this person's
     * personal part as mutual aid (acct_mulaid_pay). psn_no is then the bound member whose bill
     * it is, mdtrt_cert_no the PAYER's certificate (the payer is the one at the kiosk), and the
     * member's own account is not used. Absent: an ordinary settlement.
     */
    acct_mulaid_psn_no: code(30).optional(),
  }),
});
export const setlinfoSchema = z.object({
  setl_id: z.string().max(30).optional(),
  psn_no: code(30),
  setl_time: z.string().max(20).optional(),
  medfee_sumamt: yuan,
  fulamt_ownpay_amt: yuan,
  preselfpay_amt: yuan,
  inscp_scp_amt: yuan,
  act_pay_dedc: yuan,
  hifp_pay: yuan,
  pool_prop_selfpay: yuan,
  overlmt_selfpay: yuan,
  fund_pay_sumamt: yuan,
  psn_part_amt: yuan,
  acct_pay: yuan,
  acct_mulaid_pay: yuan,
  psn_cash_pay: yuan,
  balc: yuan,
  /** Kiosk extension, mutual aid only: the payer, and their account balance after it. */
  acct_mulaid_psn_no: z.string().max(30).optional(),
  mulaid_balc: yuan.optional(),
});
export const preSettleOutput = z.object({ setlinfo: setlinfoSchema });
export const settleOutput = z.object({
  setlinfo: setlinfoSchema.extend({ setl_id: code(30), setl_time: code(20) }),
});

// ---- 2208 settlement reversal. Idempotent per setl_id: reversing twice returns the first reversal.
export const reverseInput = z.object({
  data: z.object({ psn_no: code(30), setl_id: code(30), mdtrt_id: code(30) }),
});
export const reverseOutput = z.object({
  setlinfo: z.object({
    setl_id: code(30), // the reversal's own id
    orig_setl_id: code(30),
    setl_time: code(20),
    medfee_sumamt: yuan,
    fund_pay_sumamt: yuan,
    acct_pay: yuan,
    acct_mulaid_pay: yuan,
    psn_cash_pay: yuan,
  }),
});

// ---- 2601 reversal (冲正) of a transaction whose outcome the terminal does not know, by its
// msgid (omsgid) and transaction number (oinfno): undone if it was applied, and refused for good
// if it arrives later. Repeating it is harmless.
export const reverseByMsgidInput = z.object({
  data: z.object({
    psn_no: code(30),
    omsgid: z.string().length(30),
    // 2304 and K701: a discharge or a deposit whose resend was refused, reversed alike.
    oinfno: z.enum(['2201', '2207', '2304', 'K701']),
  }),
});
export const reverseByMsgidOutput = z.object({});

// ---- 2303 inpatient pre-settlement / 2304 inpatient settlement: a visit's discharge, whose fee
// details the ward uploaded (2301). mid_setl_flag '0' is a discharge settlement ('1' a settlement
// during the stay, which the kiosk does not make). The answer's setlinfo is 2206/2207's plus two
// kiosk extensions: dpst_sumamt, the deposits the hospital nets off the cash part (dpst_cnt of
// them), and
// dpst_rfd_amt, the surplus it refunds when the deposits exceed the cash part (the rest to pay
// is psn_cash_pay - dpst_sumamt when positive). 2304 is idempotent by msgid.
export const inpatientSettleInput = z.object({
  data: z.object({
    psn_no: code(30),
    mdtrt_cert_type: z.enum(certificateTypes),
    mdtrt_cert_no: code(600),
    medfee_sumamt: yuan,
    psn_setlway: z.enum(['01', '02']),
    mdtrt_id: code(30),
    insutype,
    mid_setl_flag: z.enum(['0', '1']),
    acct_used_flag: z.enum(['0', '1']),
    invono: z.string().max(20).optional(),
  }),
});
const depositNetting = {
  dpst_sumamt: yuan,
  dpst_rfd_amt: yuan,
  /** How many deposits dpst_sumamt sums. */
  dpst_cnt: z.number().int().min(0).max(1000).optional(),
};
export const inpatientPreSettleOutput = z.object({
  setlinfo: setlinfoSchema.extend(depositNetting),
});
export const inpatientSettleOutput = z.object({
  setlinfo: setlinfoSchema.extend({ setl_id: code(30), setl_time: code(20), ...depositNetting }),
});

// ---- 2305 inpatient settlement reversal: the discharge bill is unpaid again and its deposits
// are available again, less what the hospital refunded at discharge. Idempotent per setl_id.
export const reverseInpatientInput = z.object({
  data: z.object({ psn_no: code(30), mdtrt_id: code(30), setl_id: code(30) }),
});
export const reverseInpatientOutput = reverseOutput;

// ---- K701 deposit record, K702 deposit refund (kiosk extensions: an inpatient deposit is the
// hospital's own prepayment, not an insurance settlement, so the platform has no transaction for
// it). K701 records a deposit whose cash the kiosk collected (order_no), idempotent by msgid;
// K702 cancels a deposit no discharge has netted yet (the kiosk then refunds the cash order).
export const depositRecordInput = z.object({
  data: z.object({
    psn_no: code(30),
    mdtrt_id: code(30),
    chrg_bchno: code(64),
    order_no: orderNo,
    amount: yuan,
  }),
});
export const depositRecordOutput = z.object({
  deposit: z.object({
    dpst_id: code(30),
    dpst_time: code(20),
    /** The amount of this deposit, and all deposits now on the visit. */
    amount: yuan,
    dpst_sumamt: yuan,
  }),
});
export const depositRefundInput = z.object({
  data: z.object({ psn_no: code(30), mdtrt_id: code(30), dpst_id: code(30) }),
});
export const depositRefundOutput = z.object({
  deposit: z.object({ dpst_id: code(30), rfd_time: code(20), amount: yuan, dpst_sumamt: yuan }),
});
