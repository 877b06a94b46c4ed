/**
 * Which of a person's insurances settles a bill. The platform answers 1101 with one row per
 * insurance type; the kiosk settles under exactly one of them (2206/2207 insutype) and the
 * platform applies the supplements (320, 330, 392, ...) inside that settlement's split.
 */
import type { BillCategory, Patient } from './domain.ts';
import type { SettlingInsuranceType } from './vocabulary.ts';

/**
 * A maternity bill settles under maternity insurance (510) when the person has it; every other
 * bill, and a maternity bill of a person without 510 (a resident's is paid by their basic
 * insurance), under their basic insurance (310/390).
 */
export function settlingInsuranceType(
  patient: Pick<Patient, 'insuranceType' | 'insuranceTypes'>,
  category: BillCategory,
): SettlingInsuranceType {
  if (category === 'maternity' && patient.insuranceTypes.includes('510')) return '510';
  return patient.insuranceType;
}
