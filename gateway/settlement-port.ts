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
import { MoneyError, centsToYuan, yuanToCents } from '../core/money.ts';
import type { SettlementPort } from '../core/session-controller.ts';
import { type SettlementSplit, SplitError, checkSplit } from '../core/settlement.ts';
import type { GatewayClient } from './client.ts';
import type { TxOutput, billSchema, setlinfoSchema } from './protocol.ts';

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
      accountBalanceAfter: yuanToCents(s.balc),
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

  async preSettle(patient: Patient, bill: Bill): Promise<PreSettlement> {
    const out = await this.client.call('2206', settleInputFor(patient, bill), {
      insuredArea: patient.insuredArea,
    });
    const split = splitFromSetlinfo(out.setlinfo);
    if (split.total !== bill.total)
      throw new KioskError('gateway-bad-response', '2206 total differs from the bill');
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

  beginPayment(
    patient: Patient,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart> {
    const input = settleInputFor(patient, bill);
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
}

/** The 2206/2207 input for a bill: ID-number certificate, itemised settlement, account allowed. */
export function settleInputFor(patient: Patient, bill: Bill) {
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
      acct_used_flag: '1' as const,
    },
  };
}
