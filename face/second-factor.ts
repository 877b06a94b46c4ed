/**
 * The second factor as the open-set protocol simulates it: the patient types the last 4
 * characters of their ID number, and the session accepts only if exactly one candidate's number
 * ends with them (core/id-number.ts endsWith4). Also simulated ID numbers for a measured
 * gallery, valid resident ID numbers (GB 11643-1999) drawn from a seeded generator.
 */
import { endsWith4, idNumberCheckChar } from '../core/id-number.ts';

/** What a stranger can type: three digits and a check character (0-9 or X). */
const LAST_CHARS = '0123456789X';
/** The number of different last-4 values: 10 x 10 x 10 x 11. */
export const LAST4_VALUES = 11_000;

/**
 * A valid 18-character ID number: a region code, a birth date of an older patient (1935-1969),
 * a sequence number and the check character.
 */
export function simulatedIdNumber(random: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const region = `${11 + Math.floor(random() * 55)}${digits(4)}`;
  const year = 1935 + Math.floor(random() * 35);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const two = (n: number) => String(n).padStart(2, '0');
  const first17 = `${region}${year}${two(month)}${two(day)}${digits(3)}`;
  return first17 + idNumberCheckChar(first17);
}

/** Four characters typed at random (a stranger guessing). */
export function randomLast4(random: () => number): string {
  const digit = () => String(Math.floor(random() * 10));
  return `${digit()}${digit()}${digit()}${LAST_CHARS[Math.floor(random() * LAST_CHARS.length)]}`;
}

/** The one candidate whose number ends with `last4`; undefined for none or several. */
export function secondFactorPick(
  candidateIds: readonly string[],
  last4: string,
): string | undefined {
  const matching = candidateIds.filter((id) => endsWith4(id, last4));
  return matching.length === 1 ? matching[0] : undefined;
}

/**
 * The chance that 4 characters typed at random pick exactly one candidate: each candidate whose
 * last 4 no other candidate shares is hit by one value in LAST4_VALUES.
 */
export function randomPickChance(candidateIds: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const id of candidateIds) {
    const last4 = id.slice(-4).toUpperCase();
    counts.set(last4, (counts.get(last4) ?? 0) + 1);
  }
  let unique = 0;
  for (const n of counts.values()) if (n === 1) unique++;
  return unique / LAST4_VALUES;
}
