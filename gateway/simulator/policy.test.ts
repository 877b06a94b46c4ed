import { describe, expect, it } from 'vitest';
import { cents } from '../../core/money.ts';
import { checkSplit } from '../../core/settlement.ts';
import { computeSplit, insutypeRefusal, type Policy } from './policy.ts';

const policy: Policy = {
  deductible: { '310': cents(80_000), '390': cents(60_000), '510': cents(0) },
  ratioBp: {
    '310': { outpatient: 7000, emergency: 7500, inpatient: 9000 },
    '390': { outpatient: 5000, emergency: 5500, inpatient: 7000 },
    '510': { outpatient: 10000, emergency: 10000, inpatient: 10000 },
  },
  classBSelfPayBp: 1000,
  annualCap: { '310': cents(30_000_000), '390': cents(20_000_000), '510': cents(5_000_000) },
};
const A = (amount: number) => ({ itemClass: 'A' as const, amount: cents(amount) });
const B = (amount: number) => ({ itemClass: 'B' as const, amount: cents(amount) });
const C = (amount: number) => ({ itemClass: 'C' as const, amount: cents(amount) });
const year = (balance: number, dedUsed: number, fundUsed = 0) => ({
  accountBalance: cents(balance),
  deductibleUsed: cents(dedUsed),
  fundUsed: cents(fundUsed),
});

describe('computeSplit', () => {
  it('deductible already met: fund pays the ratio of class A', () => {
    const s = computeSplit(policy, '310', 'outpatient', [A(10_000)], year(100_000, 80_000), true);
    expect([s.fund, s.personalPart, s.account, s.cash]).toEqual([7_000, 3_000, 3_000, 0]);
  });

  it('crossing the deductible: the person pays what is left of it, then the ratio applies', () => {
    const s = computeSplit(policy, '310', 'outpatient', [A(30_000)], year(0, 70_000), true);
    expect(s.deductiblePaid).toBe(10_000);
    expect(s.poolFund).toBe(14_000); // 70% of 20,000
    expect(s.cash).toBe(16_000);
    expect(s.after.deductibleUsed).toBe(80_000);
  });

  it('class B: a share self-paid first; class C: fully self-paid', () => {
    const s = computeSplit(
      policy,
      '390',
      'outpatient',
      [B(10_001), C(2_500)],
      year(0, 60_000),
      false,
    );
    expect(s.fullOwnPay).toBe(2_500);
    expect(s.preSelfPay).toBe(1_000); // 10% of 100.01 yuan, rounded half up
    expect(s.inScope).toBe(9_001);
    expect(s.poolFund).toBe(4_501); // 50%, half up
    expect(s.personalPart).toBe(12_501 - 4_501);
  });

  it('annual cap reached: the fund pays only what is left under the cap', () => {
    const s = computeSplit(
      policy,
      '310',
      'inpatient',
      [A(1_000_000)],
      year(0, 80_000, 29_500_000),
      true,
    );
    expect(s.poolFund).toBe(500_000);
    expect(s.overCap).toBe(400_000);
    expect(s.fund + s.personalPart).toBe(1_000_000);
  });

  it('personal account short: account emptied, rest in cash', () => {
    const s = computeSplit(policy, '310', 'emergency', [A(20_000)], year(1_234, 80_000), true);
    expect(s.account).toBe(1_234);
    expect(s.cash).toBe(s.personalPart - 1_234);
    expect(s.after.accountBalance).toBe(0);
  });

  it('inpatient deposit: all cash, no insurance', () => {
    const s = computeSplit(policy, '310', 'deposit', [A(200_000)], year(5_000, 0), true);
    expect([s.fund, s.account, s.cash]).toEqual([0, 0, 200_000]);
  });

  it('every split on a grid of cases adds up to the cent', () => {
    for (const ins of ['310', '390'] as const)
      for (const visit of ['outpatient', 'emergency', 'inpatient'] as const)
        for (const amounts of [[1], [333, 777], [99_999, 1, 50_050]])
          for (const used of [0, 50_000, 80_000]) {
            const items = amounts.flatMap((a, i) => [A(a), B(a + i), C(i)]);
            const s = computeSplit(policy, ins, visit, items, year(10_000, used, 29_990_000), true);
            expect(() =>
              checkSplit({
                total: s.total,
                fund: s.fund,
                poolFund: s.poolFund,
                personalPart: s.personalPart,
                account: s.account,
                mutualAid: s.mutualAid,
                cash: s.cash,
              }),
            ).not.toThrow();
            expect(s.fullOwnPay + s.preSelfPay + s.inScope).toBe(s.total);
            expect(s.deductiblePaid + s.poolFund + s.poolSelfPay + s.overCap).toBe(s.inScope);
          }
  });
});

describe('insutypeRefusal', () => {
  const rows = [
    { insutype: '310', psn_insu_stas: '1' },
    { insutype: '330', psn_insu_stas: '1' },
    { insutype: '510', psn_insu_stas: '2' },
  ];

  it('lets a person settle under a type they hold, active', () => {
    expect(insutypeRefusal(rows, '310', 'regular')).toBeUndefined();
    expect(insutypeRefusal(rows, '310', 'maternity')).toBeUndefined();
    expect(insutypeRefusal([{ insutype: '510', psn_insu_stas: '1' }], '510', 'maternity')).toBe(
      undefined,
    );
  });

  it('refuses, naming insutype, a type the person does not hold, a suspended one, 510 off maternity', () => {
    expect(insutypeRefusal(rows, '390', 'regular')).toBe(
      "insutype 390 is not one of this person's insurance types (310, 330, 510)",
    );
    expect(insutypeRefusal(rows, '510', 'maternity')).toBe(
      'insutype 510 is not active for this person (psn_insu_stas 2)',
    );
    expect(insutypeRefusal([{ insutype: '510', psn_insu_stas: '1' }], '510', 'chronic')).toBe(
      'insutype 510 (maternity) settles maternity bills only, not a chronic bill',
    );
  });
});
