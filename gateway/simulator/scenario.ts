/**
 * A scenario is the simulator's world: hospital, policy, insured persons (with the photos the
 * kiosk enrolls them from), their unpaid bills, and the family bindings that already exist.
 * Amounts are yuan strings ("12.50") so they are exact; they become cents on load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { yuanToCents } from '../../core/money.ts';
import {
  basicInsuranceTypes,
  familyRelations,
  insuranceTypes,
  itemClasses,
} from '../../core/vocabulary.ts';
import { wireBillCategories, wireBillTypes } from '../wire-vocabulary.ts';
import type { Policy } from './policy.ts';

const yuanString = z
  .string()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'yuan with at most two decimals, e.g. "12.50"');
const bp = z.number().int().min(0).max(10000);
/**
 * A policy value per settling insurance type. Maternity (510) may be left out: then its default
 * applies (no deductible, in-scope costs in full up to its cap), so older scenario files load.
 */
const perInsurance = <T extends z.ZodType, M extends z.ZodType>(t: T, maternity: M) =>
  z.object({ '310': t, '390': t, '510': maternity });
const ratios = z.object({ outpatient: bp, emergency: bp, inpatient: bp });
/** psn_insu_stas: 1 insured, 2 suspended, 4 ended (a 1101 row's status). */
const insuredStatus = z.enum(['1', '2', '4']);

export const scenarioSchema = z.object({
  hospital: z.object({
    fixmedins_code: z.string().length(12),
    fixmedins_name: z.string().min(1).max(200),
    admdvs: z.string().length(6),
    timezone: z.string().min(1),
  }),
  /** Mobile payment orders expire this long after creation. */
  payment: z
    .object({
      order_ttl_seconds: z.number().int().min(10).max(3600).default(300),
      credit_repay_days: z.number().int().min(1).max(365).default(30),
    })
    .prefault({}),
  policy: z.object({
    deductible: perInsurance(yuanString, yuanString.default('0')),
    ratio_bp: perInsurance(
      ratios,
      ratios.default({ outpatient: 10000, emergency: 10000, inpatient: 10000 }),
    ),
    class_b_selfpay_bp: bp,
    annual_cap: perInsurance(yuanString, yuanString.default('50000.00')),
  }),
  patients: z
    .array(
      z.object({
        psn_no: z.string().min(1).max(30),
        name: z.string().min(1).max(50),
        certno: z.string().min(6).max(50),
        gender: z.enum(['1', '2']),
        birth_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        /** The basic insurance (310/390): the account and the year's counters are its. */
        insutype: z.enum(basicInsuranceTypes),
        psn_insu_stas: insuredStatus.default('1'),
        /**
         * The person's other insurance rows in 1101: supplements the platform applies inside a
         * basic settlement (320, 330, 392, ...), maternity (510), a former basic insurance.
         */
        other_insurance: z
          .array(z.object({ insutype: z.enum(insuranceTypes), psn_insu_stas: insuredStatus }))
          .max(9)
          .default([]),
        /** The social security card's number (1101 with mdtrt_cert_type 03). */
        ssc_no: z
          .string()
          .regex(/^[A-Za-z0-9]{6,20}$/)
          .optional(),
        insuplc_admdvs: z.string().length(6),
        account_balance: yuanString,
        deductible_used: yuanString,
        fund_used: yuanString.default('0'),
        face_photos: z.array(z.string().min(1)).max(10).default([]),
        /**
         * The e-voucher QR (医保电子凭证) the simulated patient's phone shows. On the real platform
         * the code is dynamic and single-use; a fixed one per person keeps tests repeatable.
         */
        ec_qr: z
          .string()
          .regex(/^424\d{25}$/)
          .optional(),
        /** Credit line for "treat first, pay later"; absent = not eligible. */
        credit_limit: yuanString.optional(),
      }),
    )
    .min(1),
  bills: z.array(
    z.object({
      chrg_bchno: z.string().regex(/^[\w-]{1,64}$/),
      psn_no: z.string().min(1),
      type: z.enum(wireBillTypes),
      category: z.enum(wireBillCategories).default('regular'),
      dept_name: z.string().max(100),
      begntime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      /**
       * The visit the bill belongs to. With mdtrt_id the hospital registered it (2201 on its
       * side); without, the kiosk registers it. fees_uploaded: the hospital has uploaded the fee
       * details (2204 on its side), so the kiosk settles without uploading them.
       */
      visit: z
        .object({
          mdtrt_id: z
            .string()
            .regex(/^\w{1,30}$/)
            .optional(),
          ipt_otp_no: z.string().regex(/^\w{1,30}$/),
          dept_code: z.string().min(1).max(30),
          caty: z.string().min(1).max(10),
          atddr_no: z.string().min(1).max(30),
          dr_name: z.string().min(1).max(50),
          fees_uploaded: z.boolean().default(false),
        })
        .refine((v) => !v.fees_uploaded || v.mdtrt_id !== undefined, {
          message: 'fees_uploaded needs the visit the hospital registered (mdtrt_id)',
        }),
      items: z
        .array(
          z.object({
            name: z.string().min(1).max(100),
            /** The national list code (医疗目录编码) and the hospital's own (医药机构目录编码). */
            med_list_codg: z.string().min(1).max(50),
            medins_list_codg: z.string().min(1).max(150),
            class: z.enum(itemClasses),
            price: yuanString,
            count: z.number().positive(),
          }),
        )
        .min(1),
    }),
  ),
  /**
   * Inpatient deposits already paid at the hospital's counter, per visit (mdtrt_id of an
   * inpatient bill): a discharge settlement (2304) nets them off its cash part. paid_at is
   * hospital-local time.
   */
  deposits: z
    .array(
      z.object({
        mdtrt_id: z.string().regex(/^\w{1,30}$/),
        amount: yuanString,
        paid_at: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      }),
    )
    .max(1000)
    .default([]),
  /**
   * Family bindings made before the simulator starts (docs/family.md): psn_no bound
   * member_psn_no, so psn_no can pay member_psn_no's bills. bound_at is hospital-local time and
   * counts toward that month's limits; absent means "before records began" and counts for none.
   */
  family: z
    .array(
      z.object({
        psn_no: z.string().min(1),
        member_psn_no: z.string().min(1),
        relation: z.enum(familyRelations),
        bound_at: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
          .optional(),
      }),
    )
    .default([]),
});
export type Scenario = z.infer<typeof scenarioSchema>;

/**
 * Beside this module from source; from the Electron build (dist/electron/*.cjs) the file is
 * where the package ships it, under the folder with package.json.
 */
export const defaultScenarioPath = scenarioBeside(dirname(fileURLToPath(import.meta.url)));

function scenarioBeside(from: string): string {
  const here = resolve(from, 'default-scenario.json');
  for (let dir = from; !existsSync(here); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')))
      return join(dir, 'gateway', 'simulator', 'default-scenario.json');
    if (dirname(dir) === dir) break;
  }
  return here;
}

export function loadScenario(path: string = defaultScenarioPath): Scenario {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const scenario = scenarioSchema.parse(raw);
  const persons = new Set(scenario.patients.map((p) => p.psn_no));
  const visits = new Map<string, string>();
  for (const bill of scenario.bills) {
    if (!persons.has(bill.psn_no))
      throw new Error(`bill ${bill.chrg_bchno} names unknown psn_no ${bill.psn_no}`);
    const id = bill.visit.mdtrt_id;
    if (id !== undefined && (visits.get(id) ?? bill.psn_no) !== bill.psn_no)
      throw new Error(`visit ${id} is given to two persons`);
    if (id !== undefined) visits.set(id, bill.psn_no);
  }
  for (const d of scenario.deposits) {
    const owner = visits.get(d.mdtrt_id);
    if (owner === undefined) throw new Error(`deposit names unknown visit ${d.mdtrt_id}`);
    const inpatient = scenario.bills.some(
      (b) => b.visit.mdtrt_id === d.mdtrt_id && b.type.startsWith('inpatient'),
    );
    if (!inpatient) throw new Error(`deposit on visit ${d.mdtrt_id}, which has no inpatient bill`);
  }
  for (const p of scenario.patients) {
    const types = [p.insutype, ...p.other_insurance.map((r) => r.insutype)];
    if (new Set(types).size !== types.length)
      throw new Error(`patient ${p.psn_no} lists an insurance type twice`);
  }
  const pairs = new Set<string>();
  for (const f of scenario.family) {
    for (const who of [f.psn_no, f.member_psn_no]) {
      if (!persons.has(who)) throw new Error(`family binding names unknown psn_no ${who}`);
    }
    if (f.psn_no === f.member_psn_no) throw new Error(`family binding of ${f.psn_no} to itself`);
    const pair = `${f.psn_no}>${f.member_psn_no}`;
    if (pairs.has(pair)) throw new Error(`family binding ${pair} is listed twice`);
    pairs.add(pair);
  }
  return scenario;
}

export function scenarioPolicy(s: Scenario): Policy {
  return {
    deductible: {
      '310': yuanToCents(s.policy.deductible['310']),
      '390': yuanToCents(s.policy.deductible['390']),
      '510': yuanToCents(s.policy.deductible['510']),
    },
    ratioBp: s.policy.ratio_bp,
    classBSelfPayBp: s.policy.class_b_selfpay_bp,
    annualCap: {
      '310': yuanToCents(s.policy.annual_cap['310']),
      '390': yuanToCents(s.policy.annual_cap['390']),
      '510': yuanToCents(s.policy.annual_cap['510']),
    },
  };
}
