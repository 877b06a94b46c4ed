import { describe, expect, it } from 'vitest';
import { settlingInsuranceType } from './insurance.ts';

describe('settlingInsuranceType', () => {
  const employee = {
    insuranceType: '310' as const,
    insuranceTypes: ['310', '330', '510'] as const,
  };

  it('settles an ordinary bill under the basic insurance, never a supplement', () => {
    const p = { insuranceType: '310' as const, insuranceTypes: ['330', '320', '310'] as const };
    expect(settlingInsuranceType({ ...p, insuranceTypes: [...p.insuranceTypes] }, 'regular')).toBe(
      '310',
    );
  });

  it('settles a maternity bill under 510 when the person has it', () => {
    const p = { ...employee, insuranceTypes: [...employee.insuranceTypes] };
    expect(settlingInsuranceType(p, 'maternity')).toBe('510');
    expect(settlingInsuranceType(p, 'chronic')).toBe('310');
  });

  it('settles a maternity bill under the basic insurance when the person has no 510', () => {
    expect(
      settlingInsuranceType({ insuranceType: '390', insuranceTypes: ['390', '392'] }, 'maternity'),
    ).toBe('390');
  });
});
