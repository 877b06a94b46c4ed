/**
 * Money is always an integer number of cents (fen). Floats never carry money inside the kiosk;
 * the only place a decimal appears is the wire format of the insurance interface, which sends
 * yuan with two decimals, converted here exactly or refused.
 */
export type Cents = number & { readonly __brand: 'Cents' };

export class MoneyError extends Error {
  override readonly name = 'MoneyError';
}

export function cents(value: number): Cents {
  if (!Number.isSafeInteger(value))
    throw new MoneyError(`not an integer number of cents: ${value}`);
  return value as Cents;
}

/** Parses a wire amount in yuan (number or string, at most two decimals) into cents, exactly. */
export function yuanToCents(value: unknown): Cents {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const m = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m)
    throw new MoneyError(`not a yuan amount with at most two decimals: ${JSON.stringify(value)}`);
  const whole = Number(m[2]);
  const frac = Number((m[3] ?? '').padEnd(2, '0'));
  const total = whole * 100 + frac;
  return cents(m[1] === '-' ? -total : total);
}

/** Cents to the wire's yuan number (e.g. 12345 -> 123.45). Exact for any safe-integer cents. */
export function centsToYuan(amount: Cents): number {
  return Number(formatYuan(amount));
}

/** "123.45" — no currency sign, no grouping; for receipts and wire text. */
export function formatYuan(amount: Cents): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function sum(...amounts: Cents[]): Cents {
  return cents(amounts.reduce((a, b) => a + b, 0));
}

/** amount * basisPoints / 10000, rounded half up, in integers only. */
export function applyRate(amount: Cents, basisPoints: number): Cents {
  if (!Number.isInteger(basisPoints) || basisPoints < 0 || basisPoints > 10000) {
    throw new MoneyError(`rate out of range: ${basisPoints}`);
  }
  return cents(Math.floor((amount * basisPoints + 5000) / 10000));
}
