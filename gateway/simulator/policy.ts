/**
 * The simulator's reimbursement policy: a plausible model of basic medical insurance, not any
 * one city's rules. Order of deduction per bill:
 *   class C items       -> fully self-paid (fulamt_ownpay_amt)
 *   class B items       -> a configured share self-paid first (preselfpay_amt)
 *   the rest is in scope (inscp_scp_amt):
 *     the year's remaining deductible (act_pay_dedc) is paid by the person,
 *     the pooled fund pays the reimbursement ratio of what is left (hifp_pay), up to the annual
 *     cap; the person pays the remaining ratio (pool_prop_selfpay) and anything over the cap
 *     (overlmt_selfpay).
 * The person's part is paid from the personal account first (when allowed), then cash.
 * All arithmetic in integer cents; every rate in basis points.
 */
import { type Cents, applyRate, cents } from '../../core/money.ts';
import type { ItemClass, SettlingInsuranceType } from '../../core/domain.ts';
import type { WireBillCategory } from '../wire-vocabulary.ts';

export type PolicyVisit = 'outpatient' | 'emergency' | 'inpatient';

export interface Policy {
  deductible: Record<SettlingInsuranceType, Cents>;
  ratioBp: Record<SettlingInsuranceType, Record<PolicyVisit, number>>;
  classBSelfPayBp: number;
  annualCap: Record<SettlingInsuranceType, Cents>;
}

export interface PersonYear {
  accountBalance: Cents;
  deductibleUsed: Cents;
  fundUsed: Cents;
}

export interface PolicySplit {
  total: Cents;
  fullOwnPay: Cents; // fulamt_ownpay_amt
  preSelfPay: Cents; // preselfpay_amt
  inScope: Cents; // inscp_scp_amt
  deductiblePaid: Cents; // act_pay_dedc
  poolFund: Cents; // hifp_pay
  poolSelfPay: Cents; // pool_prop_selfpay
  overCap: Cents; // overlmt_selfpay
  fund: Cents; // fund_pay_sumamt
  personalPart: Cents; // psn_part_amt
  account: Cents; // acct_pay
  mutualAid: Cents; // acct_mulaid_pay
  cash: Cents; // psn_cash_pay
  after: PersonYear;
}

export function computeSplit(
  policy: Policy,
  insuranceType: SettlingInsuranceType,
  visit: PolicyVisit | 'deposit',
  items: { itemClass: ItemClass; amount: Cents }[],
  year: PersonYear,
  useAccount: boolean,
): PolicySplit {
  const total = cents(items.reduce((a, i) => a + i.amount, 0));
  const zero = cents(0);
  if (visit === 'deposit') {
    // An inpatient deposit is a cash prepayment, not an insurance settlement.
    return {
      total,
      fullOwnPay: total,
      preSelfPay: zero,
      inScope: zero,
      deductiblePaid: zero,
      poolFund: zero,
      poolSelfPay: zero,
      overCap: zero,
      fund: zero,
      personalPart: total,
      account: zero,
      mutualAid: zero,
      cash: total,
      after: year,
    };
  }
  const fullOwnPay = cents(
    items.filter((i) => i.itemClass === 'C').reduce((a, i) => a + i.amount, 0),
  );
  const classB = items.filter((i) => i.itemClass === 'B').reduce((a, i) => a + i.amount, 0);
  const preSelfPay = applyRate(cents(classB), policy.classBSelfPayBp);
  const inScope = cents(total - fullOwnPay - preSelfPay);
  const deductibleLeft = Math.max(0, policy.deductible[insuranceType] - year.deductibleUsed);
  const deductiblePaid = cents(Math.min(inScope, deductibleLeft));
  const reimbursable = cents(inScope - deductiblePaid);
  const byRatio = applyRate(reimbursable, policy.ratioBp[insuranceType][visit]);
  const capLeft = Math.max(0, policy.annualCap[insuranceType] - year.fundUsed);
  const poolFund = cents(Math.min(byRatio, capLeft));
  const overCap = cents(byRatio - poolFund);
  const poolSelfPay = cents(reimbursable - byRatio);
  const fund = poolFund;
  const personalPart = cents(total - fund);
  const account = cents(useAccount ? Math.min(personalPart, Math.max(0, year.accountBalance)) : 0);
  const cash = cents(personalPart - account);
  return {
    total,
    fullOwnPay,
    preSelfPay,
    inScope,
    deductiblePaid,
    poolFund,
    poolSelfPay,
    overCap,
    fund,
    personalPart,
    account,
    mutualAid: zero,
    cash,
    after: {
      accountBalance: cents(year.accountBalance - account),
      deductibleUsed: cents(year.deductibleUsed + deductiblePaid),
      fundUsed: cents(year.fundUsed + fund),
    },
  };
}

/**
 * Family mutual aid: a split computed for the member WITHOUT their own account (useAccount
 * false), whose personal part is then paid from the payer's account first (acct_mulaid_pay),
 * the rest in cash. The member's own account is deliberately not touched: the payer chose to
 * pay, and mixing two accounts in one settlement would make the receipt and a reversal
 * ambiguous. Returns the split and the payer's balance after it.
 */
export function withMutualAid(
  memberSplit: PolicySplit,
  payerBalance: Cents,
  useAccount: boolean,
): { split: PolicySplit; payerBalanceAfter: Cents } {
  if (memberSplit.account !== 0) throw new Error('the member split must not use their account');
  const mutualAid = cents(
    useAccount ? Math.min(memberSplit.personalPart, Math.max(0, payerBalance)) : 0,
  );
  return {
    split: { ...memberSplit, mutualAid, cash: cents(memberSplit.personalPart - mutualAid) },
    payerBalanceAfter: cents(payerBalance - mutualAid),
  };
}

type InsuranceRows = readonly { insutype: string; psn_insu_stas: string }[];

/**
 * Why the platform refuses a visit (2201) or a settlement under `insutype` the person does not
 * hold, or holds but not actively (psn_insu_stas other than 1); undefined when they hold it.
 * Each refusal names insutype, as the platform's err_msg does.
 */
export function insutypeNotHeld(rows: InsuranceRows, insutype: string): string | undefined {
  const row = rows.find((r) => r.insutype === insutype);
  if (!row) {
    const held = rows.map((r) => r.insutype).join(', ');
    return `insutype ${insutype} is not one of this person's insurance types (${held})`;
  }
  if (row.psn_insu_stas !== '1')
    return `insutype ${insutype} is not active for this person (psn_insu_stas ${row.psn_insu_stas})`;
  return undefined;
}

/**
 * Why the platform refuses to settle a bill under `insutype`, or undefined when it may: the
 * person holds it actively, and maternity insurance (510) settles maternity bills only.
 */
export function insutypeRefusal(
  rows: InsuranceRows,
  insutype: string,
  billCategory: WireBillCategory,
): string | undefined {
  const notHeld = insutypeNotHeld(rows, insutype);
  if (notHeld !== undefined) return notHeld;
  if (insutype === '510' && billCategory !== 'maternity')
    return `insutype 510 (maternity) settles maternity bills only, not a ${billCategory} bill`;
  return undefined;
}
