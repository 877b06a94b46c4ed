import { describe, expect, it } from 'vitest';
import { cents } from './money.ts';
import { checkSplit, type SettlementSplit, SplitError } from './settlement.ts';

const good: SettlementSplit = {
  total: cents(25_000),
  fund: cents(14_000),
  poolFund: cents(14_000),
  personalPart: cents(11_000),
  account: cents(6_000),
  mutualAid: cents(1_000),
  cash: cents(4_000),
};

describe('checkSplit', () => {
  it('accepts a split that adds up to the cent', () => {
    expect(checkSplit(good)).toBe(good);
    expect(
      checkSplit({
        ...good,
        fund: cents(0),
        poolFund: cents(0),
        personalPart: cents(25_000),
        cash: cents(18_000),
      }),
    ).toBeTruthy();
  });

  it.each([
    ['fund off by one cent', { fund: cents(14_001) }, /total/],
    ['cash off by one cent', { cash: cents(3_999) }, /personal part/],
    ['negative cash', { cash: -1 as never, account: cents(6_001) }, /cash/],
    ['fractional cents', { account: 6000.5 as never }, /account/],
    ['pool larger than fund', { poolFund: cents(14_001) }, /pooled fund/],
  ])('refuses %s', (_name, patch, message) => {
    expect(() => checkSplit({ ...good, ...(patch as Partial<SettlementSplit>) })).toThrow(
      SplitError,
    );
    expect(() => checkSplit({ ...good, ...(patch as Partial<SettlementSplit>) })).toThrow(message);
  });
});
