import { describe, expect, it } from 'vitest';
import { endsWith4, idNumberCheckChar, isValidIdNumber } from './id-number.ts';

describe('ID numbers', () => {
  it('accepts numbers whose check character is right, and only those', () => {
    // The published GB 11643 example: 11010519491231002X.
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false); // one wrong character
    expect(isValidIdNumber('11010519491331002X')).toBe(false); // month 13
    expect(isValidIdNumber('1101051949123100')).toBe(false);
    expect(isValidIdNumber('abcdefghijklmnopqr')).toBe(false);
  });

  it('compares the last four characters', () => {
    expect(endsWith4('11010519491231002X', '002x')).toBe(true);
    expect(endsWith4('11010519491231002X', '0021')).toBe(false);
    expect(endsWith4('11010519491231002X', '02X')).toBe(false);
  });
});
