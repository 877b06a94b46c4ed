import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName } from './masking.ts';

describe('masking', () => {
  it('masks Chinese and Latin names', () => {
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskName('Sheldon Cooper')).toBe('S****** C*****');
    expect(maskName('')).toBe('');
  });

  it('masks ID numbers keeping 3 + 4', () => {
    expect(maskIdNumber('110101195001011234')).toBe('110***********1234');
    expect(maskIdNumber('12345678')).toBe('****5678');
    expect(maskIdNumber('123')).toBe('***');
  });
});
