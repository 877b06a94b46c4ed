import { describe, expect, it } from 'vitest';
import {
  comparisonsNeeded,
  DEFAULT_DECISION_POLICY,
  DEFAULT_MARGIN,
  DEFAULT_MATCH_POLICY,
  DEFAULT_THRESHOLD,
  ELDERLY_EAST_ASIAN_SCALE,
  gaussianFmr,
  gaussianThresholdFor,
  normalCdf,
  normalQuantile,
  ruleOfThree,
  TAIL_CROWDING,
  upperBound95,
} from './calibration.ts';
import { decisionPolicySchema } from './decision-policy.ts';
import { LAST4_VALUES } from './second-factor.ts';

describe('calibrated defaults', () => {
  it('are the values the docs and the kiosk configuration quote', () => {
    expect(DEFAULT_MATCH_POLICY).toEqual({ threshold: DEFAULT_THRESHOLD, margin: DEFAULT_MARGIN });
    expect(Object.isFrozen(DEFAULT_MATCH_POLICY)).toBe(true);
    // Inside the fixtures' gap: genuine probes up to 0.575, nearest impostor 0.614 (docs/face.md).
    expect(DEFAULT_THRESHOLD).toBeGreaterThan(0.575);
    expect(DEFAULT_THRESHOLD).toBeLessThan(0.614);
    expect(DEFAULT_MARGIN).toBeLessThan(0.0808); // the fixtures' smallest genuine margin
  });

  it('the shipped decision policy follows from the LFW figures as docs/face.md derives it', () => {
    const p = DEFAULT_DECISION_POLICY;
    expect(decisionPolicySchema.parse(p)).toEqual(p);
    expect(Object.isFrozen(p)).toBe(true);
    // LFW's FMR 1e-5 threshold, tightened for elderly East Asian faces (0.2893).
    expect(p.acceptThreshold).toBeCloseTo(0.4368 * ELDERLY_EAST_ASIAN_SCALE * TAIL_CROWDING, 2);
    // N x FMR within the target FPIR 1e-3, at FMR 1e-5.
    expect(p.maxGalleryForFaceAlone * 1e-5).toBeLessThanOrEqual(1e-3);
    // A random last-4 guess over a full candidate list stays under the target too.
    expect(p.maxCandidates / LAST4_VALUES).toBeLessThan(1e-3);
    expect(p.secondFactorThreshold).toBe(DEFAULT_THRESHOLD);
    expect(p.framesToAgree).toBeGreaterThanOrEqual(2);
  });
});

describe('statistics', () => {
  it('rule of three: zero events in n trials bound the rate by 3/n', () => {
    expect(ruleOfThree(300)).toBeCloseTo(0.01);
    expect(ruleOfThree(0)).toBe(1);
    expect(comparisonsNeeded(1e-4)).toBe(30_000);
  });

  it('exact bound for zero events is close to the rule of three; Wilson for some', () => {
    expect(upperBound95(0, 224)).toBeCloseTo(1 - 0.05 ** (1 / 224), 10);
    expect(upperBound95(0, 224)).toBeCloseTo(3 / 224, 3);
    const b = upperBound95(5, 100);
    expect(b).toBeGreaterThan(0.05);
    expect(b).toBeLessThan(0.11);
    expect(upperBound95(3, 0)).toBe(1);
  });

  it('normal distribution: known values and a consistent inverse', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
    expect(normalCdf(-3.719016)).toBeCloseTo(1e-4, 7);
    for (const p of [1e-6, 1e-4, 0.3, 0.9])
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 5);
    expect(() => normalQuantile(0)).toThrow(RangeError);
  });

  it('gaussian FMR and threshold are inverse of each other', () => {
    const impostors = Array.from({ length: 200 }, (_, i) => 0.8 + 0.08 * Math.sin(i));
    const t = gaussianThresholdFor(impostors, 1e-4);
    expect(t).toBeLessThan(0.8);
    expect(gaussianFmr(impostors, t)).toBeCloseTo(1e-4, 8);
    expect(gaussianFmr([0.5, 0.5], 0.4)).toBeNaN(); // no spread, no fit
  });
});
