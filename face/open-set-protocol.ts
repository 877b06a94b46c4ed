/**
 * Open-set 1:N identification, as the kiosk meets it: N people enrolled with one photo each,
 * probed with their other photos (genuine) and with photos of people who are not enrolled
 * (strangers), every probe decided by the decision policy (decision-policy.ts) and, where the
 * policy asks for it, by the simulated second factor (second-factor.ts). Several random draws per
 * gallery size, from a seeded generator; the report gives the mean over the draws and the totals.
 *
 * One photo is one frame: the policy's framesToAgree cannot be simulated on stills, so it is
 * treated as met, which can only overstate face-alone accepts (the live kiosk asks for more).
 */
import { ruleOfThree } from './calibration.ts';
import { type DecisionPolicy, decide, searchLimit } from './decision-policy.ts';
import { FaceGallery } from './gallery.ts';
import { seededRandom } from './liveness.ts';
import {
  randomLast4,
  randomPickChance,
  secondFactorPick,
  simulatedIdNumber,
} from './second-factor.ts';

export interface OpenSetPerson {
  id: string;
  /** The subject face of each of their photos that showed one. */
  faces: Float32Array[];
}

export interface OpenSetOptions {
  /** Gallery sizes; 'all' enrols everyone with two faces or more. */
  sizes: readonly (number | 'all')[];
  draws: number;
  seed: number;
  policy: DecisionPolicy;
}

/** Counts of one draw (or summed over draws). */
export interface OpenSetCounts {
  genuine: number;
  genuine_face_alone: number;
  /** A genuine probe accepted by face alone as another enrolled person. */
  genuine_wrong_person: number;
  genuine_to_second_factor: number;
  genuine_second_factor_ok: number;
  /** A genuine probe whose own last 4 picked another candidate. */
  genuine_second_factor_wrong_person: number;
  /**
   * Sent to the second factor under the candidate threshold, but not among the candidates (more
   * people nearer than them than maxCandidates): what asking the last 4 first would recover.
   */
  genuine_crowded_out: number;
  strangers: number;
  strangers_accepted: number;
  strangers_to_second_factor: number;
  /** Strangers whose 4 random characters picked a candidate (simulated). */
  strangers_second_factor_accepted: number;
  /** Sum over strangers of the chance that random characters pick a candidate. */
  strangers_second_factor_expected: number;
  /** Candidates handed to the second factor, summed (for the mean list length). */
  candidates: number;
}

export interface OpenSetRow {
  gallery_size: number;
  /** The size asked for, when the set has fewer people to enrol. */
  requested?: number | 'all';
  draws: number;
  /** Means over the draws. */
  fpir_face_alone: number;
  wrong_person_face_alone: number;
  fnir_face_alone: number;
  fnir_after_second_factor: number;
  genuine_to_second_factor: number;
  genuine_crowded_out: number;
  strangers_to_second_factor: number;
  fpir_after_second_factor: number;
  fpir_after_second_factor_expected: number;
  mean_candidates: number;
  /** 95% upper bound on the face-alone FPIR when no stranger was accepted (rule of three). */
  fpir_face_alone_upper_95?: number;
  totals: OpenSetCounts;
}

const emptyCounts = (): OpenSetCounts => ({
  genuine: 0,
  genuine_face_alone: 0,
  genuine_wrong_person: 0,
  genuine_to_second_factor: 0,
  genuine_second_factor_ok: 0,
  genuine_second_factor_wrong_person: 0,
  genuine_crowded_out: 0,
  strangers: 0,
  strangers_accepted: 0,
  strangers_to_second_factor: 0,
  strangers_second_factor_accepted: 0,
  strangers_second_factor_expected: 0,
  candidates: 0,
});

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One draw: enrol `size` people (one random photo each), probe with everything else. */
export function openSetDraw(
  people: readonly OpenSetPerson[],
  size: number,
  policy: DecisionPolicy,
  random: () => number,
): OpenSetCounts {
  const eligible = people.filter((p) => p.faces.length >= 2);
  const enrolled = new Set(shuffled(eligible, random).slice(0, size));
  const gallery = new FaceGallery({ capacity: enrolled.size });
  const idNumber = new Map<string, string>();
  const probes: { face: Float32Array; person?: string }[] = [];
  for (const person of people) {
    if (!enrolled.has(person)) {
      for (const face of person.faces) probes.push({ face });
      continue;
    }
    const enrolAt = Math.floor(random() * person.faces.length);
    gallery.add(person.id, person.faces[enrolAt]!);
    idNumber.set(person.id, simulatedIdNumber(random));
    person.faces.forEach((face, i) => {
      if (i !== enrolAt) probes.push({ face, person: person.id });
    });
  }
  const c = emptyCounts();
  const limit = searchLimit(policy);
  for (const { face, person } of probes) {
    const decision = decide(gallery.search(face, limit), gallery.persons, policy);
    if (person !== undefined) {
      c.genuine++;
      if (decision.kind === 'accept') {
        if (decision.personId === person) c.genuine_face_alone++;
        else c.genuine_wrong_person++;
      } else if (decision.kind === 'second-factor') {
        c.genuine_to_second_factor++;
        c.candidates += decision.candidates.length;
        const ids = decision.candidates.map((x) => idNumber.get(x.personId)!);
        const picked = secondFactorPick(ids, idNumber.get(person)!.slice(-4));
        if (picked === idNumber.get(person)) c.genuine_second_factor_ok++;
        else if (picked !== undefined) c.genuine_second_factor_wrong_person++;
        if (
          !decision.candidates.some((x) => x.personId === person) &&
          (gallery.distanceTo(person, face) ?? Infinity) < policy.secondFactorThreshold
        )
          c.genuine_crowded_out++;
      }
    } else {
      c.strangers++;
      if (decision.kind === 'accept') c.strangers_accepted++;
      else if (decision.kind === 'second-factor') {
        c.strangers_to_second_factor++;
        c.candidates += decision.candidates.length;
        const ids = decision.candidates.map((x) => idNumber.get(x.personId)!);
        if (secondFactorPick(ids, randomLast4(random)) !== undefined)
          c.strangers_second_factor_accepted++;
        c.strangers_second_factor_expected += randomPickChance(ids);
      }
    }
  }
  return c;
}

const rate = (n: number, d: number) => (d > 0 ? n / d : NaN);
const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);

export function openSet(people: readonly OpenSetPerson[], o: OpenSetOptions): OpenSetRow[] {
  const eligible = people.filter((p) => p.faces.length >= 2).length;
  const random = seededRandom(o.seed);
  return o.sizes.map((wanted) => {
    const size = wanted === 'all' ? eligible : Math.min(wanted, eligible);
    const draws = Array.from({ length: Math.max(1, o.draws) }, () =>
      openSetDraw(people, size, o.policy, random),
    );
    const totals = emptyCounts();
    for (const d of draws)
      for (const key of Object.keys(totals) as (keyof OpenSetCounts)[]) totals[key] += d[key];
    const m = (f: (c: OpenSetCounts) => number) => round(mean(draws.map(f)));
    const toSecondFactor = totals.genuine_to_second_factor + totals.strangers_to_second_factor;
    return {
      gallery_size: size,
      ...(wanted !== size ? { requested: wanted } : {}),
      draws: draws.length,
      fpir_face_alone: m((c) => rate(c.strangers_accepted, c.strangers)),
      wrong_person_face_alone: m((c) => rate(c.genuine_wrong_person, c.genuine)),
      fnir_face_alone: m((c) => 1 - rate(c.genuine_face_alone, c.genuine)),
      fnir_after_second_factor: m(
        (c) => 1 - rate(c.genuine_face_alone + c.genuine_second_factor_ok, c.genuine),
      ),
      genuine_to_second_factor: m((c) => rate(c.genuine_to_second_factor, c.genuine)),
      genuine_crowded_out: m((c) => rate(c.genuine_crowded_out, c.genuine)),
      strangers_to_second_factor: m((c) => rate(c.strangers_to_second_factor, c.strangers)),
      fpir_after_second_factor: m((c) =>
        rate(c.strangers_accepted + c.strangers_second_factor_accepted, c.strangers),
      ),
      fpir_after_second_factor_expected: m((c) =>
        rate(c.strangers_accepted + c.strangers_second_factor_expected, c.strangers),
      ),
      mean_candidates: round(rate(totals.candidates, toSecondFactor)),
      ...(totals.strangers_accepted === 0
        ? { fpir_face_alone_upper_95: round(ruleOfThree(totals.strangers)) }
        : {}),
      totals: {
        ...totals,
        strangers_second_factor_expected: round(totals.strangers_second_factor_expected),
      },
    };
  });
}
