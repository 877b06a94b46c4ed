/**
 * The session's SettlementPort over the gateway: the one place where wire names and yuan numbers
 * become readable domain types and integer cents. Every split is checked to the cent before the
 * kiosk shows or prints it.
 */
import type { z } from 'zod';
import type {
  Bill,
  BillCategory,
  CashMethod,
  Patient,
  PaymentStart,
  PreSettlement,
  Settlement,
  VisitType,
} from '../core/domain.ts';
import type { PaymentCoordinator } from './payments.ts';
import { KioskError } from '../core/errors.ts';
import {
  type BindRequest,
  type BindResult,
  type BindingQuota,
  type FamilyLink,
  type FamilyMember,
  type FamilyOverview,
  FamilyRefusalError,
  canPayForMember,
  parseFamilyRefusal,
} from '../core/family.ts';
import { MoneyError, cents, centsToYuan, yuanToCents } from '../core/money.ts';
import type { SettlementPort } from '../core/session-controller.ts';
import { type SettlementSplit, SplitError, checkSplit } from '../core/settlement.ts';
import type { GatewayClient } from './client.ts';
import type {
  TransactionCode,
  TxInput,
  TxOutput,
  billSchema,
  familyQuotaSchema,
  setlinfoSchema,
} from './protocol.ts';

const visitTypes: Record<z.infer<typeof billSchema>['kiosk_bill_type'], VisitType> = {
  outpatient: 'outpatient',
  emergency: 'emergency',
  inpatient_deposit: 'inpatient-deposit',
  inpatient_discharge: 'inpatient-discharge',
};
const categories: Record<z.infer<typeof billSchema>['bill_ctgy'], BillCategory> = {
  regular: 'regular',
  chronic: 'chronic',
  maternity: 'maternity',
  work_injury: 'work-injury',
};
const itemClasses = { '01': 'A', '02': 'B', '03': 'C' } as const;
const medTypes: Record<VisitType, string> = {
  outpatient: '11',
  emergency: '13',
  'inpatient-deposit': '21',
  'inpatient-discharge': '21',
};

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

export function patientFromWire(out: TxOutput<'1101'>): Patient {
  const insurance = out.insuinfo[0]!;
  return {
    personNo: out.baseinfo.psn_no,
    name: out.baseinfo.psn_name,
    idNumber: out.baseinfo.certno,
    insuranceType: insurance.insutype,
    insuredArea: insurance.insuplc_admdvs,
    accountBalance: yuanToCents(insurance.balc),
  };
}

export function billFromWire(b: z.infer<typeof billSchema>): Bill {
  const items = b.feedetail.map((d) => ({
    name: d.medins_list_name,
    itemClass: itemClasses[d.chrgitm_lv],
    unitPrice: yuanToCents(d.pric),
    quantity: d.cnt,
    amount: yuanToCents(d.det_item_fee_sumamt),
  }));
  const total = yuanToCents(b.medfee_sumamt);
  if (items.reduce((a, i) => a + i.amount, 0) !== total) {
    throw new KioskError(
      'gateway-bad-response',
      `bill ${b.chrg_bchno}: items do not add up to the total`,
    );
  }
  return {
    id: b.chrg_bchno,
    visitType: visitTypes[b.kiosk_bill_type],
    category: categories[b.bill_ctgy],
    department: b.dept_name,
    createdAt: b.begntime,
    total,
    items,
  };
}

type FamilyParty = TxOutput<'K601'>['bound_by'][number];

function familyLinkFromWire(p: FamilyParty): FamilyLink {
  return {
    bindingId: p.bind_id,
    personNo: p.psn_no,
    name: p.psn_name,
    birthDate: p.brdy,
    relation: p.relation,
    boundAt: p.bound_at,
  };
}

export function familyFromWire(out: TxOutput<'K601'>): FamilyOverview {
  return {
    members: out.members.map((m) => ({
      ...familyLinkFromWire(m),
      insuranceType: m.insutype,
      insuredArea: m.insuplc_admdvs,
      unpaidBills: m.unpaid_cnt,
    })),
    boundBy: out.bound_by.map(familyLinkFromWire),
  };
}

export function quotaFromWire(q: z.infer<typeof familyQuotaSchema>): BindingQuota {
  return {
    month: q.month,
    limit: q.bind_limit,
    used: q.bind_used,
    remaining: q.bind_remaining,
    resetsOn: q.resets_on,
    memberUsed: q.member_used,
    memberRemaining: q.member_remaining,
  };
}

function bindInputFor(payer: Patient, request: BindRequest): TxInput<'K602'> {
  const v = request.verification;
  return {
    data: {
      psn_no: payer.personNo,
      member_certno: request.memberIdNumber,
      relation: request.relation,
      verification:
        v.method === 'face'
          ? { method: 'face', verified: v.verified }
          : {
              method: 'document',
              doc_type: v.documentType,
              doc_no: v.documentNumber,
              staff_id: v.staffId,
            },
    },
  };
}

/** A gateway refusal that names a family rule becomes a FamilyRefusalError the kiosk explains. */
function asFamilyRefusal(error: unknown): unknown {
  if (!(error instanceof KioskError) || error.code !== 'gateway-rejected') return error;
  const refusal = parseFamilyRefusal(error.message);
  return refusal ? new FamilyRefusalError(refusal, { cause: error }) : error;
}

export class GatewaySettlementPort implements SettlementPort {
  constructor(
    private readonly client: GatewayClient,
    private readonly payments: PaymentCoordinator,
  ) {}

  async findPatient(idNumber: string): Promise<Patient> {
    const out = await this.client.call('1101', {
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: idNumber },
    });
    return patientFromWire(out);
  }

  async findPatientByVoucher(token: string): Promise<Patient> {
    const out = await this.client.call('1101', {
      data: { mdtrt_cert_type: '01', mdtrt_cert_no: token },
    });
    return patientFromWire(out);
  }

  async payWithWalletCode(paymentId: string, code: string): Promise<void> {
    await this.payments.payWithWalletCode(paymentId, code);
  }

  async unpaidBills(patient: Patient): Promise<Bill[]> {
    const out = await this.client.call(
      'K101',
      { data: { psn_no: patient.personNo } },
      { insuredArea: patient.insuredArea },
    );
    return out.bills.map(billFromWire);
  }

  async preSettle(
    patient: Patient,
    bill: Bill,
    options: { useAccount?: boolean } = {},
  ): Promise<PreSettlement> {
    const useAccount = options.useAccount ?? true;
    const out = await this.client.call('2206', settleInputFor(patient, bill, useAccount), {
      insuredArea: patient.insuredArea,
    });
    const split = splitFromSetlinfo(out.setlinfo);
    if (split.total !== bill.total)
      throw new KioskError('gateway-bad-response', '2206 total differs from the bill');
    return { ...(await this.withCreditOffer(patient, bill, split)), useAccount };
  }

  beginPayment(
    patient: Patient,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart> {
    // 2207 settles exactly what the patient reviewed, personal account on or off.
    const input = settleInputFor(patient, bill, preview.useAccount ?? true);
    return this.payments.begin(patient, bill, preview, input, method, walletCode);
  }

  waitForCash(paymentId: string, signal: AbortSignal): Promise<'paid' | 'expired' | 'cancelled'> {
    return this.payments.waitForCash(paymentId, signal);
  }

  completePayment(paymentId: string): Promise<Settlement> {
    return this.payments.complete(paymentId);
  }

  abandonPayment(paymentId: string): Promise<void> {
    return this.payments.abandon(paymentId);
  }

  // ---- family accounts (K601-K604, mutual aid in 2206/2207). Rules: core/family.ts.

  private async familyCall<T extends TransactionCode>(
    code: T,
    input: TxInput<T>,
    insuredArea: string,
    msgid?: string,
  ): Promise<TxOutput<T>> {
    try {
      return await this.client.call(code, input, { insuredArea, ...(msgid ? { msgid } : {}) });
    } catch (error) {
      throw asFamilyRefusal(error);
    }
  }

  /** K601: the members this patient bound (payable) and the people who bound this patient. */
  async familyMembers(patient: Patient): Promise<FamilyOverview> {
    const out = await this.familyCall(
      'K601',
      { data: { psn_no: patient.personNo } },
      patient.insuredArea,
    );
    return familyFromWire(out);
  }

  /**
   * K602: the payer binds a family member. A refusal is a FamilyRefusalError naming the rule.
   * An unknown outcome is asked again once with the same msgid: the gateway answers a repeat
   * with the first result, so a retry never binds twice or uses up a second place.
   */
  async bindMember(payer: Patient, request: BindRequest): Promise<BindResult> {
    const input = bindInputFor(payer, request);
    const msgid = this.client.newMsgid();
    let out: TxOutput<'K602'>;
    try {
      out = await this.familyCall('K602', input, payer.insuredArea, msgid);
    } catch (error) {
      if (
        !(error instanceof KioskError) ||
        (error.code !== 'settlement-in-doubt' && error.code !== 'gateway-unavailable')
      )
        throw error;
      out = await this.familyCall('K602', input, payer.insuredArea, msgid);
    }
    const b = out.binding;
    return {
      bindingId: b.bind_id,
      member: familyLinkFromWire(b),
      quota: quotaFromWire(out.quota),
    };
  }

  /** K603: either party ends a binding. Idempotent: unbinding twice is not an error. */
  async unbindMember(
    patient: Patient,
    bindingId: string,
  ): Promise<{ unboundAt: string; unboundBy: string }> {
    const input = { data: { psn_no: patient.personNo, bind_id: bindingId } };
    let out: TxOutput<'K603'>;
    try {
      out = await this.familyCall('K603', input, patient.insuredArea);
    } catch (error) {
      if (
        !(error instanceof KioskError) ||
        (error.code !== 'settlement-in-doubt' && error.code !== 'gateway-unavailable')
      )
        throw error;
      out = await this.familyCall('K603', input, patient.insuredArea);
    }
    return { unboundAt: out.binding.unbound_at, unboundBy: out.binding.unbound_by };
  }

  /** K604: bindings left this calendar month (hospital time zone) and when that resets. */
  async bindingQuota(patient: Patient): Promise<BindingQuota> {
    const out = await this.familyCall(
      'K604',
      { data: { psn_no: patient.personNo } },
      patient.insuredArea,
    );
    return quotaFromWire(out.quota);
  }

  /** K101 for a bound member. Whether each may be paid: canPayForMember(bill.category). */
  async memberBills(member: FamilyMember): Promise<Bill[]> {
    const out = await this.familyCall(
      'K101',
      { data: { psn_no: member.personNo } },
      member.insuredArea,
    );
    return out.bills.map(billFromWire);
  }

  /**
   * 2206 for a member's bill, paid with the payer's account as mutual aid (acct_mulaid_pay) and
   * the payer's credit offer for the cash part. A bill of an excluded category is refused here,
   * before the gateway is asked, with the same FamilyRefusalError the gateway's answer becomes.
   */
  async preSettleForMember(
    payer: Patient,
    member: FamilyMember,
    bill: Bill,
  ): Promise<PreSettlement> {
    const allowed = canPayForMember(bill.category);
    if (!allowed.ok) throw new FamilyRefusalError({ rule: allowed.rule, message: allowed.message });
    const out = await this.familyCall(
      '2206',
      settleInputForMember(payer, member, bill),
      member.insuredArea,
    );
    const split = splitFromSetlinfo(out.setlinfo);
    if (split.total !== bill.total)
      throw new KioskError('gateway-bad-response', '2206 total differs from the bill');
    return this.withCreditOffer(payer, bill, split);
  }

  /** Journals a member's payment (2207 with the payer as mutual aid); the payer pays any cash. */
  beginPaymentForMember(
    payer: Patient,
    member: FamilyMember,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart> {
    const input = settleInputForMember(payer, member, bill);
    return this.payments.begin(
      memberAsPatient(member),
      bill,
      preview,
      input,
      method,
      walletCode,
      payer,
    );
  }

  private async withCreditOffer(
    patient: Patient,
    bill: Bill,
    split: PreSettlement['split'],
  ): Promise<PreSettlement> {
    if (split.cash === 0) return { billId: bill.id, split };
    const credit = (
      await this.client.call(
        'K301',
        { data: { psn_no: patient.personNo } },
        { insuredArea: patient.insuredArea },
      )
    ).credit;
    if (!credit.eligible) return { billId: bill.id, split };
    return {
      billId: bill.id,
      split,
      credit: {
        limit: yuanToCents(credit.limit),
        available: yuanToCents(credit.available),
        repayDate: credit.repay_date,
      },
    };
  }
}

/**
 * The member as the payment journal's patient: 2207/2208 name the bill's owner. The member is
 * not at the kiosk, so their ID number is not known here (the certificate sent is the payer's)
 * and their balance is not used.
 */
function memberAsPatient(member: FamilyMember): Patient {
  return {
    personNo: member.personNo,
    name: member.name,
    idNumber: '',
    insuranceType: member.insuranceType,
    insuredArea: member.insuredArea,
    accountBalance: cents(0),
  };
}

/**
 * 2206/2207 input for a member's bill paid by a family account: psn_no and insutype are the
 * member's (whose bill and insurance it is), the certificate is the payer's (who is at the kiosk
 * and authorises their account), and acct_mulaid_psn_no names the paying account.
 */
export function settleInputForMember(payer: Patient, member: FamilyMember, bill: Bill) {
  return {
    data: {
      ...settleInputFor(payer, bill).data,
      psn_no: member.personNo,
      insutype: member.insuranceType,
      acct_mulaid_psn_no: payer.personNo,
    },
  };
}

/** The 2206/2207 input for a bill: ID-number certificate, itemised settlement, account allowed. */
export function settleInputFor(patient: Patient, bill: Bill, useAccount = true) {
  return {
    data: {
      psn_no: patient.personNo,
      mdtrt_cert_type: '02' as const,
      mdtrt_cert_no: patient.idNumber,
      med_type: medTypes[bill.visitType],
      medfee_sumamt: centsToYuan(bill.total),
      psn_setlway: '01' as const,
      chrg_bchno: bill.id,
      insutype: patient.insuranceType,
      acct_used_flag: useAccount ? ('1' as const) : ('0' as const),
    },
  };
}
