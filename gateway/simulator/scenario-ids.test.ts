import { expect, it } from 'vitest';
import { isValidIdNumber } from '../../core/id-number.ts';
import { loadScenario } from './scenario.ts';

it('every patient of the default scenario has a valid ID number (the keypad checks it)', () => {
  for (const p of loadScenario().patients) expect(isValidIdNumber(p.certno), p.certno).toBe(true);
});
