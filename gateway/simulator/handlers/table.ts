/**
 * The simulator's handler for every transaction, and the one place a call's input is parsed with
 * the transaction's schema before its handler sees it.
 */
import { type TransactionCode, type TxInput, transactions } from '../../protocol.ts';
import { creditAuthorise, creditQuery } from './credit.ts';
import { cancelOrder, createOrder, queryOrder, refundOrder, walletCodePay } from './cash.ts';
import { receiptRecord, unpaidBills } from './bills.ts';
import { type Call, GatewayRejection, type HandlerTable, type TxAnswer } from './context.ts';
import { familyBind, familyList, familyQuota, familyUnbind } from './family.ts';
import { gallerySync } from './gallery.ts';
import {
  depositRecord,
  depositRefund,
  inpatientPreSettle,
  inpatientSettle,
  reverseInpatient,
} from './inpatient.ts';
import { registerVisit, revokeFees, uploadFees } from './outpatient.ts';
import { reverseByMsgid } from './reversal.ts';
import { reconcileDaily, reconcileDetail } from './reconciliation.ts';
import { personInfo, signIn, signOut } from './session.ts';
import { preSettle, queryByMsgid, reverse, settle } from './settlement.ts';

export const handlers: HandlerTable = {
  '9001': signIn,
  '9002': signOut,
  '1101': personInfo,
  K101: unpaidBills,
  '2201': registerVisit,
  '2204': uploadFees,
  '2205': revokeFees,
  '2206': preSettle,
  '2207': settle,
  '2208': reverse,
  '2303': inpatientPreSettle,
  '2304': inpatientSettle,
  '2305': reverseInpatient,
  '2601': reverseByMsgid,
  '3201': reconcileDaily,
  '3202': reconcileDetail,
  K102: queryByMsgid,
  K201: createOrder,
  K202: queryOrder,
  K203: cancelOrder,
  K204: refundOrder,
  K205: walletCodePay,
  K301: creditQuery,
  K302: creditAuthorise,
  K401: receiptRecord,
  K501: gallerySync,
  K601: familyList,
  K602: familyBind,
  K603: familyUnbind,
  K604: familyQuota,
  K701: depositRecord,
  K702: depositRefund,
};

/** Parses the input with the transaction's schema and answers it; a bad input is refused. */
export function answer<T extends TransactionCode>(
  code: T,
  input: unknown,
  call: Call,
): TxAnswer<T> {
  const parsed = transactions[code].input.safeParse(input);
  if (!parsed.success) {
    // Name the fields (never their values, which may be personal), as the platform's err_msg does.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new GatewayRejection(`invalid input for ${code}: ${fields}`);
  }
  // Indexed by a generic code, the schema's result type is the union over all transactions;
  // for this `code` it is TxInput<T>.
  return handlers[code](parsed.data as TxInput<T>, call);
}
