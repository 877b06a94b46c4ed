/**
 * Wire protocol of the settlement gateway, modelled on the national medical-insurance platform
 * interface for designated institutions. Field names stay as on the national interface (infno,
 * msgid, setlinfo, acct_pay, ...) so a hospital integrator recognises them; amounts travel as yuan
 * numbers with two decimals and become integer cents in wire-mapping.ts, and nowhere else.
 *
 * Kiosk extensions (what the national interface leaves to the hospital system) have infno codes
 * starting with "K", so they can never collide with a national transaction number.
 */
import { z } from 'zod';
import {
  familyBindInput,
  familyBindOutput,
  familyListInput,
  familyListOutput,
  familyQuotaInput,
  familyQuotaOutput,
  familyUnbindInput,
  familyUnbindOutput,
} from './protocol-family.ts';
import {
  certificateTypes,
  chargeItemLevels,
  clearingTypes,
  code,
  insutype,
  insutypeOfRow,
  orderChannels,
  personCertificateTypeCode,
  personCertificateTypes,
  orderStatuses,
  settlementStatuses,
  wireBillCategories,
  wireBillTypes,
  yuan,
} from './wire-vocabulary.ts';

export const infno = {
  signIn: '9001',
  signOut: '9002',
  personInfo: '1101',
  registerVisit: '2201',
  uploadFees: '2204',
  revokeFees: '2205',
  preSettle: '2206',
  settle: '2207',
  reverseSettlement: '2208',
  inpatientPreSettle: '2303',
  inpatientSettle: '2304',
  reverseInpatient: '2305',
  reverseByMsgid: '2601',
  reconcileDaily: '3201',
  reconcileDetail: '3202',
  // Kiosk extensions:
  unpaidBills: 'K101',
  queryByMsgid: 'K102',
  mobileOrderCreate: 'K201',
  mobileOrderQuery: 'K202',
  mobileOrderCancel: 'K203',
  mobileOrderRefund: 'K204',
  walletCodePay: 'K205',
  creditQuery: 'K301',
  creditAuthorise: 'K302',
  receiptRecord: 'K401',
  familyList: 'K601',
  familyBind: 'K602',
  familyUnbind: 'K603',
  familyQuota: 'K604',
  depositRecord: 'K701',
  depositRefund: 'K702',
} as const;
export type Infno = (typeof infno)[keyof typeof infno];

export const requestEnvelopeSchema = z.object({
  infno: z.string().length(4),
  msgid: z
    .string()
    .regex(
      /^[A-Za-z0-9]{12}\d{14}\d{4}$/,
      'msgid = fixmedins_code(12) + yyyyMMddHHmmss + 4-digit sequence',
    ),
  mdtrtarea_admvs: code(6),
  insuplc_admdvs: z.string().max(6),
  recer_sys_code: code(10),
  infver: code(6),
  opter_type: z.literal('2'),
  opter: code(30),
  opter_name: code(50),
  inf_time: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
  fixmedins_code: z.string().length(12),
  fixmedins_name: code(200),
  sign_no: z.string().max(30),
  /** The terminal: its device number and security information, as configured. */
  dev_no: z.string().max(100).default(''),
  dev_safe_info: z.string().max(2000).default(''),
  /** How `cainfo` is signed (e.g. SM2), and the digital signature itself; empty when unused. */
  signtype: z.string().max(10).default(''),
  cainfo: z.string().max(1024).default(''),
  input: z.record(z.string(), z.unknown()),
});
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export const responseEnvelopeSchema = z.object({
  infcode: z.union([z.literal(0), z.literal(-1)]),
  inf_refmsgid: z.string().max(64),
  refmsg_time: z.string().max(32),
  respond_time: z.string().max(32),
  err_msg: z.string().max(1000).nullable(),
  output: z.record(z.string(), z.unknown()).nullable(),
});
export type ResponseEnvelope = z.infer<typeof responseEnvelopeSchema>;

/**
 * A refusal whose err_msg starts with this names a sign_no the gateway did not issue to this
 * terminal (or no longer honours): nothing was applied, and the terminal signs in (9001) again.
 */
export const SIGN_NO_REFUSAL = 'sign_no ';

/** A mobile payment order number, chosen by the kiosk (its idempotency key). */
const orderNoOf = z.string().regex(/^[A-Za-z0-9]{8,40}$/);

// ---- 9001 sign-in: the terminal's MAC (aa:bb:cc:dd:ee:ff) and IPv4 address, both required.
export const macAddress = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
export const ipv4Address = z
  .string()
  .regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/);
export const signInInput = z.object({
  signIn: z.object({ opter_no: code(30), mac: macAddress, ip: ipv4Address }),
});
export const signInOutput = z.object({
  signinoutb: z.object({ sign_time: z.string().max(20), sign_no: code(30) }),
});

// ---- 9002 sign-out: the sign number ends; a business call carrying it is refused afterwards.
export const signOutInput = z.object({
  signOut: z.object({ sign_no: code(30), opter_no: code(30) }),
});
export const signOutOutput = z.object({
  signoutoutb: z.object({ sign_time: z.string().max(20) }),
});

// ---- 1101 person info: by certificate (mdtrt_cert_type 01 e-voucher token, 02 ID number,
// 03 social security card number). The answer has one insuinfo row per insurance type the person
// is insured under (310 with 330, 390 with 392, 510, ...), each with its status; the kiosk picks
// the row a bill settles under (wire-mapping.ts, core/insurance.ts). Fields a real answer carries
// that the kiosk does not use (exp_content, idetinfo, ...) pass through unread.
export const personInfoInput = z.object({
  data: z.object({
    mdtrt_cert_type: z.enum(certificateTypes),
    mdtrt_cert_no: code(600),
    /** The card's serial number, with a social security card (03); empty otherwise. */
    card_sn: z.string().max(32).optional(),
    psn_cert_type: z.enum(personCertificateTypes).optional(),
    certno: z.string().max(50).optional(),
    psn_name: z.string().max(50).optional(),
  }),
});
export const insuranceRowSchema = z.object({
  balc: yuan,
  insutype: insutypeOfRow,
  psn_type: z.string().max(6),
  insuplc_admdvs: z.string().max(6),
  /** Some gateways leave it empty: then the platform's 2206 decides whether the row settles. */
  psn_insu_stas: z.string().max(3).nullish(),
  psn_insu_date: z.string().max(20).nullish(),
  paus_insu_date: z.string().max(20).nullish(),
  cvlserv_flag: z.string().max(3).nullish(),
  emp_name: z.string().max(200).nullish(),
});
export const personInfoOutput = z.object({
  baseinfo: z.object({
    psn_no: code(30),
    psn_cert_type: personCertificateTypeCode,
    certno: code(50),
    psn_name: code(50),
    gend: z.string().max(6),
    brdy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    age: z.number().int().min(0).max(150),
  }),
  insuinfo: z.array(insuranceRowSchema).min(1).max(20),
});

// ---- 2201 outpatient registration: opens a visit (mdtrt_id) for a bill the hospital has not
// registered. Idempotent by msgid at the simulator (a resend answers the first visit).
export const registerVisitInput = z.object({
  data: z.object({
    psn_no: code(30),
    insutype,
    begntime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    mdtrt_cert_type: z.enum(certificateTypes),
    mdtrt_cert_no: code(600),
    ipt_otp_no: code(30),
    atddr_no: code(30),
    dr_name: code(50),
    dept_code: code(30),
    dept_name: code(100),
    caty: code(10),
  }),
});
export const registerVisitOutput = z.object({
  data: z.object({ mdtrt_id: code(30), psn_no: code(30), ipt_otp_no: code(30) }),
});

// ---- 2204 outpatient fee detail upload, one charge batch (chrg_bchno) of a visit. Uploading the
// same details again answers the same result; different details for an uploaded batch are
// refused until 2205 revokes it.
export const uploadFeeRowSchema = z.object({
  feedetl_sn: code(30),
  mdtrt_id: code(30),
  psn_no: code(30),
  chrg_bchno: code(64),
  rx_circ_flag: z.enum(['0', '1']),
  fee_ocur_time: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
  med_list_codg: code(50),
  medins_list_codg: code(150),
  det_item_fee_sumamt: yuan,
  cnt: z.number().positive().max(10000),
  pric: yuan,
  bilg_dept_codg: code(30),
  bilg_dept_name: code(100),
  bilg_dr_codg: code(30),
  bilg_dr_name: code(50),
  hosp_appr_flag: z.enum(['0', '1', '2']),
});
export const uploadFeesInput = z.object({ feedetail: z.array(uploadFeeRowSchema).min(1).max(500) });
export const uploadFeesOutput = z.object({
  result: z
    .array(
      z.object({
        feedetl_sn: code(30),
        det_item_fee_sumamt: yuan,
        cnt: z.number().positive().max(10000),
        pric: yuan,
        fulamt_ownpay_amt: yuan,
        preselfpay_amt: yuan,
        inscp_scp_amt: yuan,
        chrgitm_lv: z.enum(chargeItemLevels),
        memo: z.string().max(200).optional(),
      }),
    )
    .max(500),
});

// ---- 2205 revoke an uploaded charge batch (a cancelled payment). Revoking twice is not an
// error; a batch already settled is refused (reverse it with 2208 first).
export const revokeFeesInput = z.object({
  data: z.object({ chrg_bchno: code(64), mdtrt_id: code(30), psn_no: code(30) }),
});
export const revokeFeesOutput = z.object({});

// ---- K101 unpaid bills (kiosk extension)
export const unpaidBillsInput = z.object({ data: z.object({ psn_no: code(30) }) });
export const feeDetailSchema = z.object({
  feedetl_sn: code(30),
  /** The national list code of the item (医疗目录编码) and the hospital's own (医药机构目录编码). */
  med_list_codg: code(50),
  medins_list_codg: code(150),
  medins_list_name: code(100),
  chrgitm_lv: z.enum(chargeItemLevels),
  pric: yuan,
  cnt: z.number().positive().max(10000),
  det_item_fee_sumamt: yuan,
});
export const billSchema = z.object({
  chrg_bchno: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w-]+$/),
  med_type: z.string().max(6),
  kiosk_bill_type: z.enum(wireBillTypes),
  bill_ctgy: z.enum(wireBillCategories),
  dept_name: z.string().max(100),
  begntime: z.string().max(20),
  medfee_sumamt: yuan,
  feedetail: z.array(feeDetailSchema).max(500),
  /**
   * The visit the bill belongs to (就诊ID), '' when the hospital has not registered one: the
   * kiosk then registers it (2201) from the fields below. fee_upld_flag 1: the fee details are
   * already uploaded (by the hospital's side); 0: the kiosk uploads them (2204) before 2206.
   */
  mdtrt_id: z.string().max(30),
  ipt_otp_no: code(30),
  dept_code: code(30),
  caty: code(10),
  atddr_no: code(30),
  dr_name: code(50),
  fee_upld_flag: z.enum(['0', '1']),
  /**
   * Kiosk extension, a discharge bill only: the deposits paid on its visit that its settlement
   * (2304) will net, their sum and how many.
   */
  dpst_sumamt: yuan.optional(),
  dpst_cnt: z.number().int().min(0).max(1000).optional(),
});
export const unpaidBillsOutput = z.object({ bills: z.array(billSchema).max(200) });

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
    order_no: orderNoOf,
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

// ---- K102 query a transaction by msgid (recovery of an in-doubt call)
export const queryInput = z.object({ data: z.object({ msgid: z.string().length(30) }) });
export const queryOutput = z.object({
  txn: z.object({
    found: z.boolean(),
    infno: z.string().max(4),
    status: z.enum(['none', ...settlementStatuses]),
    setl_id: z.string().max(30),
    response: z.record(z.string(), z.unknown()).nullable(),
  }),
});

// ---- K201-K205 mobile payment of the cash part. order_no is chosen by the kiosk (idempotency).
export const orderNo = orderNoOf;
export const orderStatus = z.enum(orderStatuses);
export const orderSchema = z.object({
  order_no: orderNo,
  amount: yuan,
  status: orderStatus,
  code_url: z.string().max(500),
  expire_time: z.string().max(20),
  pay_time: z.string().max(20),
  channel: z.enum(orderChannels),
});
export const orderOutput = z.object({ order: orderSchema });
export const orderCreateInput = z.object({
  data: z.object({ order_no: orderNo, psn_no: code(30), chrg_bchno: code(64), amount: yuan }),
});
export const orderRefInput = z.object({ data: z.object({ order_no: orderNo }) });
export const orderRefundInput = z.object({
  data: z.object({ order_no: orderNo, reason: z.string().max(100) }),
});
export const walletCodePayInput = z.object({
  data: z.object({ order_no: orderNo, auth_code: z.string().regex(/^\d{16,24}$/) }),
});

// ---- K301/K302 credit ("treat first, pay later")
export const creditQueryInput = z.object({ data: z.object({ psn_no: code(30) }) });
export const creditQueryOutput = z.object({
  credit: z.object({
    eligible: z.boolean(),
    limit: yuan,
    available: yuan,
    repay_date: z.string().max(10),
  }),
});
export const creditAuthoriseInput = z.object({
  data: z.object({ order_no: orderNo, psn_no: code(30), amount: yuan }),
});

// ---- K401 receipt record: whether the paper receipt came out, for reprints from admin mode.
export const receiptRecordInput = z.object({
  data: z.object({ setl_id: code(30), printed: z.enum(['0', '1']), problem: z.string().max(40) }),
});
export const receiptRecordOutput = z.object({ recorded: z.boolean() });

// ---- K501 face gallery sync: who is enrolled for face payment, and from which images. A
// version lets a kiosk skip an unchanged gallery. (The simulator hands out fixture image names;
// a production gateway would hand out encrypted templates.)
export const gallerySyncInput = z.object({ data: z.object({ since_version: z.string().max(64) }) });
export const gallerySyncOutput = z.object({
  gallery: z.object({
    version: z.string().min(1).max(64),
    changed: z.boolean(),
    persons: z
      .array(
        z.object({
          psn_no: code(30),
          certno: code(50),
          face_images: z.array(z.string().regex(/^[\w-]{1,40}\/[\w-]{1,40}\.(png|jpe?g)$/)).max(10),
        }),
      )
      .max(100_000),
  }),
});

/**
 * Per transaction: the input and output schemas both sides validate against, and whether the
 * call changes money or state (then a lost answer is "in doubt", never a failure).
 */
export const transactions = {
  '9001': { input: signInInput, output: signInOutput, changesState: false },
  '9002': { input: signOutInput, output: signOutOutput, changesState: false },
  '1101': { input: personInfoInput, output: personInfoOutput, changesState: false },
  K101: { input: unpaidBillsInput, output: unpaidBillsOutput, changesState: false },
  '2201': { input: registerVisitInput, output: registerVisitOutput, changesState: true },
  '2204': { input: uploadFeesInput, output: uploadFeesOutput, changesState: true },
  '2205': { input: revokeFeesInput, output: revokeFeesOutput, changesState: true },
  '2206': { input: settleInput, output: preSettleOutput, changesState: false },
  '2207': { input: settleInput, output: settleOutput, changesState: true },
  '2208': { input: reverseInput, output: reverseOutput, changesState: true },
  '2303': { input: inpatientSettleInput, output: inpatientPreSettleOutput, changesState: false },
  '2304': { input: inpatientSettleInput, output: inpatientSettleOutput, changesState: true },
  '2305': { input: reverseInpatientInput, output: reverseInpatientOutput, changesState: true },
  '2601': { input: reverseByMsgidInput, output: reverseByMsgidOutput, changesState: true },
  '3201': { input: reconcileInput, output: reconcileOutput, changesState: false },
  '3202': { input: reconcileDetailInput, output: reconcileDetailOutput, changesState: false },
  K102: { input: queryInput, output: queryOutput, changesState: false },
  K201: { input: orderCreateInput, output: orderOutput, changesState: true },
  K202: { input: orderRefInput, output: orderOutput, changesState: false },
  K203: { input: orderRefInput, output: orderOutput, changesState: true },
  K204: { input: orderRefundInput, output: orderOutput, changesState: true },
  K205: { input: walletCodePayInput, output: orderOutput, changesState: true },
  K301: { input: creditQueryInput, output: creditQueryOutput, changesState: false },
  K302: { input: creditAuthoriseInput, output: orderOutput, changesState: true },
  K401: { input: receiptRecordInput, output: receiptRecordOutput, changesState: false },
  K501: { input: gallerySyncInput, output: gallerySyncOutput, changesState: false },
  K601: { input: familyListInput, output: familyListOutput, changesState: false },
  K602: { input: familyBindInput, output: familyBindOutput, changesState: true },
  K603: { input: familyUnbindInput, output: familyUnbindOutput, changesState: true },
  K604: { input: familyQuotaInput, output: familyQuotaOutput, changesState: false },
  K701: { input: depositRecordInput, output: depositRecordOutput, changesState: true },
  K702: { input: depositRefundInput, output: depositRefundOutput, changesState: true },
} as const;
export type TransactionCode = keyof typeof transactions;
export type TxInput<T extends TransactionCode> = z.infer<(typeof transactions)[T]['input']>;
export type TxOutput<T extends TransactionCode> = z.infer<(typeof transactions)[T]['output']>;

export function isTransactionCode(value: string): value is TransactionCode {
  return Object.hasOwn(transactions, value);
}

export { formatInTimeZone } from '../core/time.ts';
