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
  creditAuthoriseInput,
  creditQueryInput,
  creditQueryOutput,
  orderCreateInput,
  orderOutput,
  orderRefInput,
  orderRefundInput,
  walletCodePayInput,
} from './protocol-cash.ts';
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
  reconcileDetailInput,
  reconcileDetailOutput,
  reconcileInput,
  reconcileOutput,
} from './protocol-reconciliation.ts';
import {
  depositRecordInput,
  depositRecordOutput,
  depositRefundInput,
  depositRefundOutput,
  inpatientPreSettleOutput,
  inpatientSettleInput,
  inpatientSettleOutput,
  preSettleOutput,
  reverseByMsgidInput,
  reverseByMsgidOutput,
  reverseInpatientInput,
  reverseInpatientOutput,
  reverseInput,
  reverseOutput,
  settleInput,
  settleOutput,
} from './protocol-settlement.ts';
import {
  certificateTypes,
  chargeItemLevels,
  code,
  insutype,
  insutypeOfRow,
  personCertificateTypeCode,
  personCertificateTypes,
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
