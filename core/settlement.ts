import { type Cents, formatYuan } from './money.ts';

/**
 * The unified-settlement split with readable names. The wire names (national insurance
 * interface) are mapped to these in gateway/ and only there:
 *   total=medfee_sumamt, fund=fund_pay_sumamt (poolFund=hifp_pay), personalPart=psn_part_amt,
 *   account=acct_pay, mutualAid=acct_mulaid_pay, cash=psn_cash_pay.
 */
export interface SettlementSplit {
  total: Cents;
  fund: Cents;
  poolFund: Cents;
  personalPart: Cents;
  account: Cents;
  mutualAid: Cents;
  cash: Cents;
  /** Personal-account balance after this settlement, when the gateway reports it. */
  accountBalanceAfter?: Cents;
}

export class SplitError extends Error {
  override readonly name = 'SplitError';
}

/**
 * The kiosk never trusts a split it did not check: total = fund + personal part, and
 * personal part = account + mutual aid + cash, to the cent, with nothing negative.
 * Throws SplitError naming the first rule broken.
 */
export function checkSplit(split: SettlementSplit): SettlementSplit {
  const parts: [string, Cents][] = [
    ['total', split.total],
    ['fund', split.fund],
    ['poolFund', split.poolFund],
    ['personalPart', split.personalPart],
    ['account', split.account],
    ['mutualAid', split.mutualAid],
    ['cash', split.cash],
  ];
  for (const [name, value] of parts) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SplitError(`${name} is not a non-negative amount in cents: ${value}`);
    }
  }
  if (split.poolFund > split.fund) {
    throw new SplitError(
      `pooled fund ${formatYuan(split.poolFund)} exceeds fund total ${formatYuan(split.fund)}`,
    );
  }
  if (split.fund + split.personalPart !== split.total) {
    throw new SplitError(
      `fund ${formatYuan(split.fund)} + personal part ${formatYuan(split.personalPart)} != total ${formatYuan(split.total)}`,
    );
  }
  if (split.account + split.mutualAid + split.cash !== split.personalPart) {
    throw new SplitError(
      `account ${formatYuan(split.account)} + mutual aid ${formatYuan(split.mutualAid)} + cash ${formatYuan(split.cash)} != personal part ${formatYuan(split.personalPart)}`,
    );
  }
  return split;
}
