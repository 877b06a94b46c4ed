/**
 * Faults a test or tester arms on the simulator: each affects the next calls of one transaction
 * (or any), at the point in the call where a real gateway or network would fail.
 */
import { z } from 'zod';

export const faultKinds = [
  'latency',
  'http-500',
  'reset-before-commit',
  'refuse',
  'reset-after-commit',
  'timeout-after-commit',
  'duplicate-delivery',
  'malformed-body',
  'inconsistent-body',
  'forged-answer',
] as const;
export type FaultKind = (typeof faultKinds)[number];
export const faultSchema = z.object({
  /** A transaction code, or "*" for any. */
  infno: z.string().regex(/^(\*|[A-Z0-9]{4})$/),
  kind: z.enum(faultKinds),
  /** How many calls it affects (default 1). */
  times: z.number().int().min(1).max(1000).optional(),
  /** For latency and timeout-after-commit. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

/** The armed faults, first armed first used. */
export class Faults {
  private readonly armed: Fault[] = [];

  /** Arms a fault for the next `times` calls of one transaction (see FaultKind). */
  inject(fault: Fault): void {
    this.armed.push({ ...fault, times: fault.times ?? 1 });
  }

  clear(): void {
    this.armed.length = 0;
  }

  list(): readonly Fault[] {
    return this.armed;
  }

  /** The fault for this call, if one is armed; it is used up after `times` calls. */
  take(infno: string): Fault | undefined {
    const i = this.armed.findIndex((f) => f.infno === infno || f.infno === '*');
    if (i < 0) return undefined;
    const fault = this.armed[i]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.armed.splice(i, 1);
    return fault;
  }
}

/** A body that parses but whose split no longer adds up: the client must refuse it. */
export function makeInconsistent(output: Record<string, unknown>): Record<string, unknown> {
  const setlinfo = output.setlinfo as Record<string, unknown> | undefined;
  if (!setlinfo || typeof setlinfo.psn_cash_pay !== 'number')
    return { ...output, unexpected: true, order: null };
  return {
    ...output,
    setlinfo: { ...setlinfo, psn_cash_pay: Math.round(setlinfo.psn_cash_pay * 100 + 1) / 100 },
  };
}
