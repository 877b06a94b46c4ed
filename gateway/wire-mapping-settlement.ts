/**
 * The settlement's national fields, apart from the bills' and visits' (wire-mapping.ts): the
 * settling inputs the kiosk sends (2206/2207, a family member's, 2303/2304, K701) and the
 * setlinfo it reads back as an integer-cent split checked to the cent, with the deposits a
 * discharge nets. Kept apart because the payment code (payments, recovery, views, the day's
 * totals) needs these and nothing of 1101, K101 or the family accounts.
 */
import type { Bill, DepositNetting, Patient, VisitType } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import type { FamilyMember } from '../core/family.ts';
import { settlingInsuranceType } from '../core/insurance.ts';
import { type Cents, MoneyError, cents, centsToYuan, yuanToCents } from '../core/money.ts';
import { type SettlementSplit, SplitError, checkSplit } from '../core/settlement.ts';
import type { setlinfoSchema } from './protocol-settlement.ts';
import type { TxInput } from './protocol.ts';
import { type WireBillType, medTypeOfBillType } from './wire-vocabulary.ts';
import type { z } from 'zod';

/** VisitType -> kiosk_bill_type, for the med_type a settlement names. */
const billTypeOfVisitType = {
  outpatient: 'outpatient',
  emergency: 'emergency',
  'inpatient-deposit': 'inpatient_deposit',
  'inpatient-discharge': 'inpatient_discharge',
} as const satisfies Record<VisitType, WireBillType>;

/** setlinfo (wire) -> SettlementSplit (cents), refusing anything that does not add up. */
export function splitFromSetlinfo(s: z.infer<typeof setlinfoSchema>): SettlementSplit {
  try {
    return checkSplit({
      total: yuanToCents(s.medfee_sumamt),
      fund: yuanToCents(s.fund_pay_sumamt),
      poolFund: yuanToCents(s.hifp_pay),
      personalPart: yuanToCents(s.psn_part_amt),
      account: yuanToCents(s.acct_pay),
      mutualAid: yuanToCents(s.acct_mulaid_pay),
      cash: yuanToCents(s.psn_cash_pay),
      // Mutual aid: the account that paid is the payer's, so that is the balance to show.
      accountBalanceAfter: yuanToCents(
        s.acct_mulaid_psn_no !== undefined && s.mulaid_balc !== undefined ? s.mulaid_balc : s.balc,
      ),
    });
  } catch (error) {
    if (error instanceof SplitError || error instanceof MoneyError) {
      throw new KioskError('gateway-bad-response', `settlement split refused: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * The 2206/2207 input for a bill: ID-number certificate, itemised settlement, account allowed,
 * under the visit the kiosk prepared (by default the one the bill came with).
 */
export function settleInputFor(
  patient: Patient,
  bill: Bill,
  useAccount = true,
  mdtrtId: string = bill.visit.id,
) {
  return {
    data: {
      psn_no: patient.personNo,
      mdtrt_cert_type: '02' as const,
      mdtrt_cert_no: patient.idNumber,
      med_type: medTypeOfBillType[billTypeOfVisitType[bill.visitType]],
      medfee_sumamt: centsToYuan(bill.total),
      psn_setlway: '01' as const,
      mdtrt_id: mdtrtId,
      chrg_bchno: bill.id,
      insutype: settlingInsuranceType(patient, bill.category),
      acct_used_flag: useAccount ? ('1' as const) : ('0' as const),
    },
  };
}

/**
 * 2206/2207 input for a member's bill paid by a family account: psn_no and insutype are the
 * member's (whose bill and insurance it is), the certificate is the payer's (who is at the kiosk
 * and authorises their account), and acct_mulaid_psn_no names the paying account.
 */
export function settleInputForMember(
  payer: Patient,
  member: FamilyMember,
  bill: Bill,
  mdtrtId: string = bill.visit.id,
) {
  return {
    data: {
      ...settleInputFor(payer, bill, true, mdtrtId).data,
      psn_no: member.personNo,
      insutype: member.insuranceType,
      acct_mulaid_psn_no: payer.personNo,
    },
  };
}

// ---- inpatient: 2303/2304 discharge settlement, K701 deposits

/** 2303/2304 for a discharge bill: its visit settled at discharge (mid_setl_flag 0). */
export function inpatientSettleInputFor(
  patient: Patient,
  bill: Bill,
  useAccount = true,
): TxInput<'2304'> {
  return {
    data: {
      psn_no: patient.personNo,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: patient.idNumber,
      medfee_sumamt: centsToYuan(bill.total),
      psn_setlway: '01',
      mdtrt_id: bill.visit.id,
      insutype: settlingInsuranceType(patient, bill.category),
      mid_setl_flag: '0',
      acct_used_flag: useAccount ? '1' : '0',
    },
  };
}

/**
 * 2303/2304's deposits against the cash part, in cents, refusing an answer whose refund is not
 * exactly the deposits less the cash part (or whose cash part is not what the split says).
 */
export function depositNettingFromSetlinfo(
  s: z.infer<typeof setlinfoSchema> & {
    dpst_sumamt: number;
    dpst_rfd_amt: number;
    dpst_cnt?: number | undefined;
  },
): DepositNetting {
  try {
    const cash = yuanToCents(s.psn_cash_pay);
    const total = yuanToCents(s.dpst_sumamt);
    const refund = yuanToCents(s.dpst_rfd_amt);
    if (refund !== Math.max(0, total - cash))
      throw new KioskError(
        'gateway-bad-response',
        `deposit refund ${s.dpst_rfd_amt} is not deposits ${s.dpst_sumamt} less cash ${s.psn_cash_pay}`,
      );
    return { total, count: s.dpst_cnt ?? 0, due: cents(Math.max(0, cash - total)), refund };
  } catch (error) {
    if (error instanceof MoneyError)
      throw new KioskError('gateway-bad-response', `deposits refused: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

/**
 * K701 for a deposit bill, without its order_no: that is the payment's own id (its cash order),
 * which the coordinator adds when it journals the payment.
 */
export function depositInputFor(
  personNo: string,
  bill: Bill,
): Omit<TxInput<'K701'>['data'], 'order_no'> {
  return {
    psn_no: personNo,
    mdtrt_id: bill.visit.id,
    chrg_bchno: bill.id,
    amount: centsToYuan(bill.total),
  };
}

/** A deposit's "split": all cash, nothing from the fund or an account. */
export function depositSplit(amount: Cents): SettlementSplit {
  const zero = cents(0);
  return checkSplit({
    total: amount,
    fund: zero,
    poolFund: zero,
    personalPart: amount,
    account: zero,
    mutualAid: zero,
    cash: amount,
  });
}
