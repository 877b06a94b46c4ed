/**
 * Where the gateway's wire records (protocol.ts: national field names, yuan numbers) become the
 * kiosk's readable domain types and integer cents, and back: here the person (1101), the bills
 * and their visits (K101, 2201, 2204), the cash order and the family accounts; the settlement's
 * own fields (2206/2207, 2303/2304, K701 and the split they answer, checked to the cent before the
 * kiosk shows or prints it) in wire-mapping-settlement.ts.
 */
import type {
  Bill,
  BillCategory,
  CashOrder,
  ItemClass,
  Patient,
  VisitType,
} from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import {
  type BindRequest,
  type BindingQuota,
  type FamilyLink,
  type FamilyOverview,
  FamilyRefusalError,
  parseFamilyRefusal,
} from '../core/family.ts';
import { centsToYuan, yuanToCents } from '../core/money.ts';
import { settlingInsuranceType } from '../core/insurance.ts';
import { type BasicInsuranceType, basicInsuranceTypes } from '../core/vocabulary.ts';
import type { familyQuotaSchema } from './protocol-family.ts';
import type { TxInput, TxOutput, billSchema } from './protocol.ts';
import {
  type ChargeItemLevel,
  type WireBillCategory,
  type WireBillType,
  insuredStatusActive,
  isInsuranceType,
} from './wire-vocabulary.ts';
import type { z } from 'zod';

/** kiosk_bill_type -> VisitType (the way back, for settling, in wire-mapping-settlement.ts). */
export const visitTypeOfBillType = {
  outpatient: 'outpatient',
  emergency: 'emergency',
  inpatient_deposit: 'inpatient-deposit',
  inpatient_discharge: 'inpatient-discharge',
} as const satisfies Record<WireBillType, VisitType>;
/** bill_ctgy -> BillCategory, for the kiosk and for the simulator's shared family rules. */
export const billCategoryOfWire = {
  regular: 'regular',
  chronic: 'chronic',
  maternity: 'maternity',
  work_injury: 'work-injury',
} as const satisfies Record<WireBillCategory, BillCategory>;

/** chrgitm_lv <-> ItemClass. */
const itemClassOfLevel = { '01': 'A', '02': 'B', '03': 'C' } as const satisfies Record<
  ChargeItemLevel,
  ItemClass
>;
export const levelOfItemClass = { A: '01', B: '02', C: '03' } as const satisfies Record<
  ItemClass,
  ChargeItemLevel
>;

/**
 * 1101's answer -> Patient. The answer has a row per insurance type; the patient is settled under
 * the active basic row (310 employee, 390 resident; psn_insu_stas "1"), whose area and personal
 * account are theirs. Rows in any order, supplements and maternity included, are kept as the
 * patient's active types; a person with no active basic row is told so (insurance-inactive)
 * instead of being identified into bills the kiosk cannot settle.
 */
export function patientFromWire(out: TxOutput<'1101'>): Patient {
  // A row without a status is taken as active: the platform refuses its settlement if it is not.
  const active = out.insuinfo.filter(
    (row) => (row.psn_insu_stas ?? insuredStatusActive) === insuredStatusActive,
  );
  const basic = active.filter((row): row is typeof row & { insutype: BasicInsuranceType } =>
    (basicInsuranceTypes as readonly string[]).includes(row.insutype),
  );
  // Both basic insurances active (moving from resident to employee cover): the employee's pays.
  const insurance = basic.find((row) => row.insutype === '310') ?? basic[0];
  if (!insurance) {
    const types = out.insuinfo.map((r) => `${r.insutype}:${r.psn_insu_stas ?? '-'}`).join(', ');
    throw new KioskError(
      'insurance-inactive',
      `1101: no active basic insurance row (310/390) among ${types}`,
    );
  }
  const insuranceTypes = [...new Set(active.map((row) => row.insutype).filter(isInsuranceType))];
  return {
    personNo: out.baseinfo.psn_no,
    name: out.baseinfo.psn_name,
    idNumber: out.baseinfo.certno,
    insuranceType: insurance.insutype,
    insuranceTypes,
    insuredArea: insurance.insuplc_admdvs,
    accountBalance: yuanToCents(insurance.balc),
  };
}

export function billFromWire(b: z.infer<typeof billSchema>): Bill {
  const items = b.feedetail.map((d) => ({
    name: d.medins_list_name,
    serial: d.feedetl_sn,
    listCode: d.med_list_codg,
    hospitalCode: d.medins_list_codg,
    itemClass: itemClassOfLevel[d.chrgitm_lv],
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
    visitType: visitTypeOfBillType[b.kiosk_bill_type],
    category: billCategoryOfWire[b.bill_ctgy],
    department: b.dept_name,
    createdAt: b.begntime,
    total,
    items,
    visit: {
      id: b.mdtrt_id,
      outpatientNo: b.ipt_otp_no,
      departmentCode: b.dept_code,
      specialty: b.caty,
      doctorCode: b.atddr_no,
      doctorName: b.dr_name,
      feesUploaded: b.fee_upld_flag === '1' && b.mdtrt_id !== '',
    },
    ...(b.kiosk_bill_type === 'inpatient_discharge' && b.dpst_sumamt !== undefined
      ? { deposits: { total: yuanToCents(b.dpst_sumamt), count: b.dpst_cnt ?? 0 } }
      : {}),
  };
}

/** 2201 for a bill whose visit the hospital has not registered: the patient at the kiosk. */
export function registerVisitInputFor(patient: Patient, bill: Bill): TxInput<'2201'> {
  const v = bill.visit;
  return {
    data: {
      psn_no: patient.personNo,
      insutype: settlingInsuranceType(patient, bill.category),
      begntime: bill.createdAt,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: patient.idNumber,
      ipt_otp_no: v.outpatientNo,
      atddr_no: v.doctorCode,
      dr_name: v.doctorName,
      dept_code: v.departmentCode,
      dept_name: bill.department,
      caty: v.specialty,
    },
  };
}

/** 2204: the bill's items as the fee details of its charge batch under the visit `mdtrtId`. */
export function uploadFeesInputFor(personNo: string, bill: Bill, mdtrtId: string): TxInput<'2204'> {
  return {
    feedetail: bill.items.map((item) => ({
      feedetl_sn: item.serial,
      mdtrt_id: mdtrtId,
      psn_no: personNo,
      chrg_bchno: bill.id,
      rx_circ_flag: '0' as const,
      fee_ocur_time: bill.createdAt,
      med_list_codg: item.listCode,
      medins_list_codg: item.hospitalCode,
      det_item_fee_sumamt: centsToYuan(item.amount),
      cnt: item.quantity,
      pric: centsToYuan(item.unitPrice),
      bilg_dept_codg: bill.visit.departmentCode,
      bilg_dept_name: bill.department,
      bilg_dr_codg: bill.visit.doctorCode,
      bilg_dr_name: bill.visit.doctorName,
      hosp_appr_flag: '1' as const,
    })),
  };
}

/** A mobile payment order, as the patient's screen shows it. */
export function cashOrderFromWire(order: TxOutput<'K201'>['order']): CashOrder {
  return {
    orderNo: order.order_no,
    codeUrl: order.code_url,
    amount: yuanToCents(order.amount),
    expiresAt: order.expire_time,
  };
}

type FamilyParty = TxOutput<'K601'>['bound_by'][number];

export function familyLinkFromWire(p: FamilyParty): FamilyLink {
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

export function bindInputFor(payer: Patient, request: BindRequest): TxInput<'K602'> {
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
export function asFamilyRefusal(error: unknown): unknown {
  if (!(error instanceof KioskError) || error.code !== 'gateway-rejected') return error;
  const refusal = parseFamilyRefusal(error.message);
  return refusal ? new FamilyRefusalError(refusal, { cause: error }) : error;
}
