/**
 * Resident identity card numbers (GB 11643-1999): 17 digits and a check character (0-9 or X)
 * computed mod 11. Checking it at the keypad catches a mistyped digit before anything is sent,
 * so a patient is told "please check the number" rather than "not found".
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export function isValidIdNumber(raw: string): boolean {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return idNumberCheckChar(id.slice(0, 17)) === id[17];
}

/** The second factor: the last four characters, compared without regard to the X's case. */
export function endsWith4(idNumber: string, last4: string): boolean {
  return /^[\dXx]{4}$/.test(last4) && idNumber.toUpperCase().endsWith(last4.toUpperCase());
}

/**
 * How a resident ID number is read and written in groups: where it was issued (6), the birth date
 * (8), then the sequence and check character (4). A patient checks the birth date at a glance.
 */
export const ID_NUMBER_GROUPS = [6, 8, 4] as const;

/** The characters typed so far, in the 6-8-4 groups; anything past 18 stays in a last group. */
export function groupIdNumber(value: string): string[] {
  const groups: string[] = [];
  let start = 0;
  for (const size of ID_NUMBER_GROUPS) {
    if (start >= value.length) return groups;
    groups.push(value.slice(start, start + size));
    start += size;
  }
  if (start < value.length) groups.push(value.slice(start));
  return groups;
}
