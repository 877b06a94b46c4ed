/**
 * Personal data shown on screen or paper is masked; logs never carry it at all.
 * Names keep their first character (Chinese convention: 张*丰 / 张*); ID numbers keep the first
 * three and last four characters, as hospital receipts in China do.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.some((c) => c === ' ')) {
    // Latin names: keep each word's initial.
    return name
      .trim()
      .split(/\s+/)
      .map((w) => Array.from(w)[0] + '*'.repeat(Math.max(1, Array.from(w).length - 1)))
      .join(' ');
  }
  if (chars.length === 1) return chars[0] ?? '';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function maskIdNumber(id: string): string {
  const chars = Array.from(id.trim());
  if (chars.length <= 4) return '*'.repeat(chars.length);
  if (chars.length <= 8) return '*'.repeat(chars.length - 4) + chars.slice(-4).join('');
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}
