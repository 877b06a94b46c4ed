/**
 * The number on each identity document staff may check when a child is bound (psn_cert_type,
 * core/vocabulary.ts). Checked at the keypad so staff hear "please check the number" before they
 * give their PIN, and again by the host, which refuses a malformed number whatever the screen did.
 *
 * - 01 resident ID card, 02 household register: the child's citizen ID number (as on the card, or
 *   on the child's page of the register), 17 digits and a check character (GB 11643).
 * - 03 birth certificate (birth medical certificate, 出生医学证明): one letter, then 9 digits.
 * - 04 passport or travel permit: 5 to 20 letters and digits, at least one digit (Chinese
 *   passports E+8, Hong Kong and Macao permits H/M+8 or +10, foreign passports vary).
 */
import { isValidIdNumber } from './id-number.ts';
import type { DocumentType } from './vocabulary.ts';

/** The longest number any document type takes; the keypad and the contract stop there. */
export const MAX_DOCUMENT_NUMBER_LENGTH = 20;

/** What the keypad needs to know of each type: whether it has letters, and when to stop. */
export const documentNumberFormats: Record<
  DocumentType,
  { maxLength: number; letters: boolean; idNumber: boolean }
> = {
  '01': { maxLength: 18, letters: false, idNumber: true },
  '02': { maxLength: 18, letters: false, idNumber: true },
  '03': { maxLength: 10, letters: true, idNumber: false },
  '04': { maxLength: MAX_DOCUMENT_NUMBER_LENGTH, letters: true, idNumber: false },
};

/** Why a number is refused: too long or short, a character the type never has, or its check. */
export type DocumentNumberProblem = 'length' | 'characters' | 'check';

export class DocumentNumberError extends Error {
  override readonly name = 'DocumentNumberError';
  constructor(
    readonly documentType: DocumentType,
    readonly problem: DocumentNumberProblem,
  ) {
    // Never the number itself: this may be logged.
    super(`document number refused for type ${documentType}: ${problem}`);
  }
}

/** The number as stored and sent: trimmed, letters in capitals. */
export function normalizeDocumentNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

/** What is wrong with this number for this type, or undefined when it may be used. */
export function documentNumberProblem(
  type: DocumentType,
  raw: string,
): DocumentNumberProblem | undefined {
  const n = normalizeDocumentNumber(raw);
  const { maxLength } = documentNumberFormats[type];
  switch (type) {
    case '01':
    case '02':
      if (n.length !== 18) return 'length';
      if (!/^\d{17}[\dX]$/.test(n)) return 'characters';
      return isValidIdNumber(n) ? undefined : 'check';
    case '03':
      if (n.length !== maxLength) return 'length';
      return /^[A-Z]\d{9}$/.test(n) ? undefined : 'characters';
    case '04':
      if (n.length < 5 || n.length > maxLength) return 'length';
      return /^[A-Z\d]+$/.test(n) && /\d/.test(n) ? undefined : 'characters';
  }
}

/** The number, normalized, or a DocumentNumberError saying why it cannot be used. */
export function parseDocumentNumber(type: DocumentType, raw: string): string {
  const problem = documentNumberProblem(type, raw);
  if (problem) throw new DocumentNumberError(type, problem);
  return normalizeDocumentNumber(raw);
}
