import { describe, expect, it } from 'vitest';
import { isValidIdNumber } from '../core/id-number.ts';
import type { DecisionPolicy } from './decision-policy.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { seededRandom } from './liveness.ts';
import { openSet, openSetDraw, type OpenSetPerson } from './open-set-protocol.ts';
import {
  LAST4_VALUES,
  randomLast4,
  randomPickChance,
  secondFactorPick,
  simulatedIdNumber,
} from './second-factor.ts';

const random = seededRandom(3);
const gaussian = () =>
  Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
/** Strangers about 0.8 apart, photos of one person about 0.3 apart, as real descriptors are. */
const identity = () => Float32Array.from({ length: DESCRIPTOR_LENGTH }, () => gaussian() * 0.05);
const photoOf = (who: Float32Array) => who.map((v) => v + gaussian() * 0.02);

/** 30 people with 3 photos (enrollable) and 20 with one (strangers only). */
const people: OpenSetPerson[] = Array.from({ length: 50 }, (_, i) => {
  const who = identity();
  return { id: `p${i}`, faces: Array.from({ length: i < 30 ? 3 : 1 }, () => photoOf(who)) };
});

const decisive: DecisionPolicy = {
  acceptThreshold: 0.59,
  margin: 0.06,
  secondFactorThreshold: 0.65,
  maxCandidates: 5,
  maxGalleryForFaceAlone: 1000,
  framesToAgree: 2,
};

describe('second factor (simulated)', () => {
  it('simulated ID numbers are valid resident ID numbers', () => {
    const r = seededRandom(1);
    for (let i = 0; i < 200; i++) expect(isValidIdNumber(simulatedIdNumber(r))).toBe(true);
  });
  it('picks only when exactly one candidate ends with the characters typed', () => {
    const ids = ['110101195001011234', '110101195001025678', '11010119500103567X'];
    expect(secondFactorPick(ids, '1234')).toBe(ids[0]);
    expect(secondFactorPick(ids, '567x')).toBe(ids[2]);
    expect(secondFactorPick([...ids, '120101195001011234'], '1234')).toBeUndefined();
    expect(secondFactorPick(ids, '0000')).toBeUndefined();
  });
  it('a random guess hits each candidate with a unique last 4 once in 11,000', () => {
    expect(LAST4_VALUES).toBe(11_000);
    expect(randomPickChance(['x1234', 'y5678'])).toBeCloseTo(2 / 11_000, 12);
    expect(randomPickChance(['x1234', 'y1234'])).toBe(0);
    const r = seededRandom(2);
    for (let i = 0; i < 100; i++) expect(randomLast4(r)).toMatch(/^\d{3}[\dX]$/);
  });
});

describe('open-set protocol (synthetic people)', () => {
  it('well separated faces: every genuine probe by face alone, no stranger accepted', () => {
    const c = openSetDraw(people, 30, decisive, seededRandom(1));
    expect(c).toMatchObject({
      genuine: 30 * 2,
      genuine_face_alone: 60,
      genuine_wrong_person: 0,
      strangers: 20,
      strangers_accepted: 0,
      strangers_to_second_factor: 0,
    });
  });

  it('a gallery too large for the face alone: everyone to the second factor, the patients through it', () => {
    const c = openSetDraw(people, 10, { ...decisive, maxGalleryForFaceAlone: 5 }, seededRandom(1));
    expect(c.genuine).toBe(10 * 2);
    expect(c.genuine_face_alone).toBe(0);
    expect(c.genuine_to_second_factor).toBe(20);
    expect(c.genuine_second_factor_ok).toBe(20);
    expect(c.strangers).toBe(20 * 3 + 20); // the 20 people not enrolled, and the 20 singletons
    expect(c.strangers_accepted).toBe(0);
  });

  it('a loose candidate threshold: strangers reach the second factor and a random guess rarely passes', () => {
    const loose = { ...decisive, secondFactorThreshold: 2, maxGalleryForFaceAlone: 0 };
    const c = openSetDraw(people, 30, loose, seededRandom(1));
    expect(c.strangers_to_second_factor).toBe(c.strangers);
    expect(c.candidates).toBe((c.genuine + c.strangers) * 5);
    expect(c.strangers_second_factor_expected).toBeCloseTo((c.strangers * 5) / 11_000, 6);
    expect(c.genuine_second_factor_ok).toBe(c.genuine);
    expect(c.genuine_crowded_out).toBe(0);
  });

  it('a crowd nearer than the patient pushes them out of the candidate list', () => {
    const twin = identity();
    const crowd: OpenSetPerson[] = Array.from({ length: 6 }, (_, i) => {
      const who = twin.map((v) => v + gaussian() * 0.005); // six people nearly alike
      return { id: `t${i}`, faces: [photoOf(who), photoOf(who), photoOf(who)] };
    });
    const one = { ...decisive, maxCandidates: 1, acceptThreshold: 0, secondFactorThreshold: 2 };
    const c = openSetDraw(crowd, 6, one, seededRandom(1));
    expect(c.genuine_to_second_factor).toBe(12);
    expect(c.genuine_crowded_out).toBeGreaterThan(0);
    // With a single candidate, a patient not identified was someone else's nearest.
    expect(c.genuine_crowded_out).toBe(c.genuine - c.genuine_second_factor_ok);
  });

  it('rows per gallery size: means over seeded draws, reproducible, clipped to the people enrollable', () => {
    const o = { sizes: [10, 'all'] as const, draws: 3, seed: 9, policy: decisive };
    const rows = openSet(people, { ...o, sizes: [...o.sizes] });
    expect(rows.map((r) => [r.gallery_size, r.requested])).toEqual([
      [10, undefined],
      [30, 'all'],
    ]);
    expect(rows[0]).toMatchObject({
      draws: 3,
      fpir_face_alone: 0,
      fnir_face_alone: 0,
      fnir_after_second_factor: 0,
      fpir_face_alone_upper_95: expect.any(Number),
    });
    expect(rows[0]!.totals.strangers).toBe(3 * (20 * 3 + 20));
    expect(openSet(people, { ...o, sizes: [...o.sizes] })).toEqual(rows);
  });

  it('close look-alikes: face alone never picks one of two; the patient completes the second factor', () => {
    const twin = identity();
    const pair: OpenSetPerson[] = [
      { id: 'a', faces: [photoOf(twin), photoOf(twin)] },
      { id: 'b', faces: [photoOf(twin), photoOf(twin)] },
    ];
    const c = openSetDraw(pair, 2, decisive, seededRandom(4));
    expect(c.genuine_face_alone + c.genuine_wrong_person).toBe(0);
    expect(c.genuine_to_second_factor).toBe(2);
    expect(c.genuine_second_factor_ok).toBe(2);
  });
});
