import { describe, expect, it } from 'vitest';
import {
  DocumentNumberError,
  documentNumberFormats,
  documentNumberProblem,
  parseDocumentNumber,
} from './document-number.ts';
import { documentTypes } from './vocabulary.ts';

// A real-shaped child's ID number (born 2019-05-20) whose check character is right.
const CHILD_ID = '110105201905200626';

describe('document numbers, by type', () => {
  it('01 resident ID card and 02 household register: the child ID number, by its check character', () => {
    for (const type of ['01', '02'] as const) {
      expect(documentNumberProblem(type, CHILD_ID)).toBeUndefined();
      expect(documentNumberProblem(type, '11010519491231002x')).toBeUndefined();
      expect(documentNumberProblem(type, '110105201905200627')).toBe('check'); // one digit off
      expect(documentNumberProblem(type, '110105201913200626')).toBe('check'); // month 13
      expect(documentNumberProblem(type, '11010520190520062')).toBe('length');
      expect(documentNumberProblem(type, '1101052019052006260')).toBe('length');
      expect(documentNumberProblem(type, 'X10105201905200626')).toBe('characters');
      expect(documentNumberProblem(type, 'O440123456')).toBe('length');
    }
  });

  it('03 birth certificate: one letter, then 9 digits', () => {
    expect(documentNumberProblem('03', 'O440123456')).toBeUndefined();
    expect(documentNumberProblem('03', 'x123456789')).toBeUndefined();
    expect(documentNumberProblem('03', 'X12345678')).toBe('length');
    expect(documentNumberProblem('03', 'O4401234567')).toBe('length');
    expect(documentNumberProblem('03', '0440123456')).toBe('characters'); // a zero, not an O
    expect(documentNumberProblem('03', 'OO40123456')).toBe('characters');
    expect(documentNumberProblem('03', CHILD_ID)).toBe('length');
  });

  it('04 passport or travel permit: 5 to 20 letters and digits, with a digit', () => {
    expect(documentNumberProblem('04', 'E12345678')).toBeUndefined(); // Chinese passport
    expect(documentNumberProblem('04', 'EA1234567')).toBeUndefined();
    expect(documentNumberProblem('04', 'H1234567890')).toBeUndefined(); // Hong Kong permit
    expect(documentNumberProblem('04', '12345')).toBeUndefined();
    expect(documentNumberProblem('04', 'E123')).toBe('length');
    expect(documentNumberProblem('04', 'E'.repeat(10) + '1'.repeat(11))).toBe('length');
    expect(documentNumberProblem('04', 'PASSPORT')).toBe('characters'); // no digit
    expect(documentNumberProblem('04', 'E1234-5678')).toBe('characters');
    expect(documentNumberProblem('04', 'E1234 5678')).toBe('characters');
  });

  it('refuses the empty number for every type, and no type takes more than its keypad allows', () => {
    for (const type of documentTypes) {
      expect(documentNumberProblem(type, '')).toBe('length');
      expect(
        documentNumberProblem(type, '1'.repeat(documentNumberFormats[type].maxLength + 1)),
      ).toBe('length');
    }
  });

  it('parses to the number as sent (trimmed, capitals), or a typed error without the number', () => {
    expect(parseDocumentNumber('03', ' o440123456 ')).toBe('O440123456');
    expect(parseDocumentNumber('01', '11010519491231002x')).toBe('11010519491231002X');
    let error: unknown;
    try {
      parseDocumentNumber('01', '110105201905200627');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentNumberError);
    expect(error).toMatchObject({ documentType: '01', problem: 'check' });
    expect((error as Error).message).not.toContain('110105201905200627');
  });
});
