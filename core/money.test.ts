import { describe, expect, it } from 'vitest';
import { applyRate, cents, centsToYuan, formatYuan, MoneyError, yuanToCents } from './money.ts';

describe('money', () => {
  it('parses wire yuan exactly, including values floats get wrong', () => {
    expect(yuanToCents(0.1)).toBe(10);
    expect(yuanToCents(1.15)).toBe(115);
    expect(yuanToCents('1234.5')).toBe(123450);
    expect(yuanToCents(19.99)).toBe(1999);
    expect(yuanToCents(0)).toBe(0);
    expect(yuanToCents(-3.07)).toBe(-307);
  });

  it('refuses amounts that are not money', () => {
    for (const bad of [1.005, '1.999', 'abc', null, undefined, NaN, Infinity, '1e3', {}]) {
      expect(() => yuanToCents(bad)).toThrow(MoneyError);
    }
  });

  it('formats and round-trips', () => {
    expect(formatYuan(cents(5))).toBe('0.05');
    expect(formatYuan(cents(-12345))).toBe('-123.45');
    for (const c of [0, 1, 99, 100, 101, 123456789]) {
      expect(yuanToCents(centsToYuan(cents(c)))).toBe(c);
    }
  });

  it('applies rates in integers, half up', () => {
    expect(applyRate(cents(1001), 5000)).toBe(501);
    expect(applyRate(cents(999), 7000)).toBe(699);
    expect(applyRate(cents(100), 10000)).toBe(100);
    expect(() => applyRate(cents(100), 10001)).toThrow(MoneyError);
    expect(() => cents(1.5)).toThrow(MoneyError);
  });
});
