import { describe, expect, it } from 'vitest';
import type { Patient } from './domain.ts';
import { KioskError } from './errors.ts';
import { settlingInsuranceType } from './insurance.ts';
import { VOUCHER, controller, fakePort } from './testing/session-doubles.ts';

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

describe('a person whose insurance is not active', () => {
  it('is told so on the error screen, by voucher as by ID number', async () => {
    const f = fakePort(0);
    const inactive = async (): Promise<Patient> => {
      throw new KioskError('insurance-inactive', '1101: no active basic insurance row');
    };
    const { c } = controller({ ...f.port, findPatientByVoucher: inactive });
    c.scan(`${VOUCHER}\r`);
    await c.idle();
    // Not "the voucher was refused": the voucher was fine, the insurance is not active.
    expect(c.view()).toEqual({ screen: 'error', error: 'insurance-inactive' });
    expect(f.calls).toEqual([]);
  });
});
