import { describe, expect, it } from 'vitest';
import { endsWith4, groupIdNumber, idNumberCheckChar, isValidIdNumber } from './id-number.ts';

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

  it('groups a number 6-8-4 as it is typed, changing no character', () => {
    expect(groupIdNumber('')).toEqual([]);
    expect(groupIdNumber('1101')).toEqual(['1101']);
    expect(groupIdNumber('110105')).toEqual(['110105']);
    expect(groupIdNumber('1101051')).toEqual(['110105', '1']);
    expect(groupIdNumber('11010519800517')).toEqual(['110105', '19800517']);
    expect(groupIdNumber('110105198005170')).toEqual(['110105', '19800517', '0']);
    expect(groupIdNumber('11010519491231002X')).toEqual(['110105', '19491231', '002X']);
    expect(groupIdNumber('1101051949123100211')).toEqual(['110105', '19491231', '0021', '1']);
    for (const typed of ['1', '1101051980', '110105198005170180'])
      expect(groupIdNumber(typed).join('')).toBe(typed);
  });
});
