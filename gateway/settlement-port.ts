/**
 * The session's SettlementPort over the gateway, family accounts included: each port call
 * becomes gateway calls through the client and the payment coordinator; wire-mapping.ts turns
 * the wire records into domain types and integer cents.
 */
import type {
  Bill,
  CashMethod,
  Patient,
  PaymentStart,
  PreSettlement,
  Settlement,
} from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import {
  type BindRequest,
  type BindResult,
  type BindingQuota,
  type FamilyMember,
  type FamilyOverview,
  FamilyRefusalError,
  canPayForMember,
} from '../core/family.ts';
import { cents, yuanToCents } from '../core/money.ts';
import type { SettlementPort } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import type { CashOutcome, PaymentCoordinator } from './payments.ts';
import type { TransactionCode, TxInput, TxOutput } from './protocol.ts';
import { VisitPreparation } from './visit-preparation.ts';
import {
  asFamilyRefusal,
  billFromWire,
  bindInputFor,
  familyFromWire,
  familyLinkFromWire,
  patientFromWire,
  quotaFromWire,
} from './wire-mapping.ts';
import {
  depositInputFor,
  depositNettingFromSetlinfo,
  depositSplit,
  inpatientSettleInputFor,
  settleInputFor,
  settleInputForMember,
  splitFromSetlinfo,
} from './wire-mapping-settlement.ts';

export class GatewaySettlementPort implements SettlementPort {
  private readonly visits: VisitPreparation;

  constructor(
    private readonly client: GatewayClient,
    private readonly payments: PaymentCoordinator,
  ) {
    this.visits = new VisitPreparation(client);
  }

  async findPatient(idNumber: string): Promise<Patient> {
    const out = await this.client.call('1101', {
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: idNumber },
    });
    return patientFromWire(out);
  }

  /**
   * 1101 with a social security card (mdtrt_cert_type 03): the card number and, when the reader
   * gives it, the card's serial number (card_sn).
   */
  async findPatientBySocialSecurityCard(cardNo: string, cardSn = ''): Promise<Patient> {
    const out = await this.client.call('1101', {
      data: { mdtrt_cert_type: '03', mdtrt_cert_no: cardNo, card_sn: cardSn },
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
    return this.held(out.bills.map(billFromWire));
  }

  /** Marks the bills whose last payment is still open in the journal as being checked. */
  private held(bills: Bill[]): Bill[] {
    const open = this.payments.openBillIds();
    return bills.map((b) => (open.has(b.id) ? { ...b, beingChecked: true } : b));
  }

  async preSettle(
    patient: Patient,
    bill: Bill,
    options: { useAccount?: boolean } = {},
  ): Promise<PreSettlement> {
    const useAccount = options.useAccount ?? true;
    if (bill.visitType === 'inpatient-deposit') return this.depositPreview(bill);
    if (bill.visitType === 'inpatient-discharge')
      return this.dischargePreview(patient, bill, useAccount);
    const visit = await this.visits.prepare(patient.personNo, bill, patient.insuredArea, patient);
    const out = await this.client.call(
      '2206',
      settleInputFor(patient, bill, useAccount, visit.id),
      { insuredArea: patient.insuredArea },
    );
    const split = splitFromSetlinfo(out.setlinfo);
    if (split.total !== bill.total)
      throw new KioskError('gateway-bad-response', '2206 total differs from the bill');
    return { ...(await this.withCreditOffer(patient, bill, split)), useAccount, visit };
  }

  /**
   * A deposit is the hospital's cash prepayment: no pre-settlement (nothing for the insurance to
   * split), all of it cash, recorded with K701 once collected.
   */
  private depositPreview(bill: Bill): PreSettlement {
    if (bill.visit.id === '')
      throw new KioskError('gateway-bad-response', `deposit ${bill.id} names no inpatient visit`);
    return { billId: bill.id, split: depositSplit(bill.total), useAccount: false };
  }

  /**
   * A discharge: 2303 for the visit the ward's uploads (2301) are under, with the deposits paid
   * on it netted off the cash part. No credit offer: what is left is paid now.
   */
  private async dischargePreview(
    patient: Patient,
    bill: Bill,
    useAccount: boolean,
  ): Promise<PreSettlement> {
    const out = await this.client.call('2303', inpatientSettleInputFor(patient, bill, useAccount), {
      insuredArea: patient.insuredArea,
    });
    const split = splitFromSetlinfo(out.setlinfo);
    if (split.total !== bill.total)
      throw new KioskError('gateway-bad-response', '2303 total differs from the bill');
    const deposits = depositNettingFromSetlinfo(out.setlinfo);
    return {
      billId: bill.id,
      split,
      useAccount,
      deposits,
      visit: { id: bill.visit.id, uploadedHere: false },
    };
  }

  beginPayment(
    patient: Patient,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart> {
    if (bill.visitType === 'inpatient-deposit') {
      return this.payments.begin(
        patient,
        bill,
        preview,
        { infno: 'K701', input: depositInputFor(patient.personNo, bill) },
        method,
        walletCode,
      );
    }
    if (bill.visitType === 'inpatient-discharge') {
      const input = inpatientSettleInputFor(patient, bill, preview.useAccount ?? true);
      return this.payments.begin(
        patient,
        bill,
        preview,
        { infno: '2304', input },
        method,
        walletCode,
      );
    }
    // 2207 settles exactly what the patient reviewed, personal account on or off.
    const input = settleInputFor(
      patient,
      bill,
      preview.useAccount ?? true,
      preview.visit?.id ?? bill.visit.id,
    );
    return this.payments.begin(patient, bill, preview, input, method, walletCode);
  }

  waitForCash(paymentId: string, signal: AbortSignal): Promise<CashOutcome> {
    return this.payments.waitForCash(paymentId, signal);
  }

  completePayment(paymentId: string): Promise<Settlement> {
    return this.payments.complete(paymentId);
  }

  abandonPayment(paymentId: string): Promise<void> {
    return this.payments.abandon(paymentId);
  }

  /** The review was left unpaid: the fee details this kiosk uploaded for it are revoked (2205). */
  async releasePreSettlement(
    owner: { personNo: string; insuredArea: string },
    bill: Bill,
    preview: PreSettlement,
  ): Promise<void> {
    const visit = preview.visit;
    if (!visit?.uploadedHere) return;
    if (this.payments.openBillIds().has(bill.id)) return; // a payment owns the upload now
    await this.client.call(
      '2205',
      { data: { chrg_bchno: bill.id, mdtrt_id: visit.id, psn_no: owner.personNo } },
      { insuredArea: owner.insuredArea },
    );
  }

  confirmInDoubt(paymentId: string, signal: AbortSignal) {
    return this.payments.resolveWhileWaiting(paymentId, signal);
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
    return this.held(out.bills.map(billFromWire));
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
    const visit = await this.visits.prepare(member.personNo, bill, member.insuredArea, undefined);
    const out = await this.familyCall(
      '2206',
      settleInputForMember(payer, member, bill, visit.id),
      member.insuredArea,
    );
    const split = splitFromSetlinfo(out.setlinfo);
    if (split.total !== bill.total)
      throw new KioskError('gateway-bad-response', '2206 total differs from the bill');
    return { ...(await this.withCreditOffer(payer, bill, split)), visit };
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
    const input = settleInputForMember(payer, member, bill, preview.visit?.id ?? bill.visit.id);
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
    insuranceTypes: [member.insuranceType],
    insuredArea: member.insuredArea,
    accountBalance: cents(0),
  };
}
