/**
 * The kiosk's decision on one face search, as a pure function of numbers: accept by face alone,
 * send to the second factor, or reject. Everything between accept and reject goes to the second
 * factor (the patient types the last 4 characters of their ID number; the session accepts only if
 * exactly one candidate's number ends with them), never a guess.
 *
 * Face alone accepts only when it is decisive on every count: the nearest person is under the
 * strict accept threshold, the next person is at least the margin further, and the gallery is
 * small enough for the face alone to be safe. The last rule is the one that grows with the
 * hospital: a probe is compared with every enrolled person, so the chance that some stranger falls
 * under the threshold is about N x FMR; above maxGalleryForFaceAlone (set so N x FMR stays under
 * the target false-positive identification rate) the face only narrows the search.
 *
 * How the shipped numbers were chosen, and what they rest on: docs/face.md "Decision policy".
 */
import { decisionPolicySchema, type DecisionPolicy } from '../core/face-policy.ts';
import type { MatchPolicy } from './gallery.ts';

// The policy's shape and schema live in core/ (the configuration reads the same numbers).
export { decisionPolicySchema, type DecisionPolicy };

/** A person found by the search and their nearest template's distance; nearest first. */
export interface Nearest {
  personId: string;
  distance: number;
}

export type SecondFactorReason = 'close-call' | 'not-decisive' | 'gallery-too-large';

export type Decision =
  | { kind: 'accept'; personId: string; distance: number; margin: number }
  | { kind: 'second-factor'; candidates: Nearest[]; reason: SecondFactorReason }
  | { kind: 'reject'; distance: number };

/**
 * The rule before this policy, as a policy: accept under the threshold with the margin, the
 * people under the threshold as candidates, at any gallery size, on one frame. For a
 * configuration that still holds only a threshold and a margin.
 */
export function fromMatchPolicy(p: MatchPolicy): DecisionPolicy {
  return {
    acceptThreshold: p.threshold,
    margin: p.margin,
    secondFactorThreshold: p.threshold,
    maxCandidates: 5,
    maxGalleryForFaceAlone: Infinity,
    framesToAgree: 1,
  };
}

/** Persons the search must return for decide(): the candidates and one more for the margin. */
export function searchLimit(policy: DecisionPolicy): number {
  return Math.max(2, policy.maxCandidates + 1);
}

/**
 * The decision on one search. `nearest` must be the nearest persons in order (at least
 * searchLimit(policy) of them when the gallery has that many), each with their best distance.
 */
export function decide(
  nearest: readonly Nearest[],
  gallerySize: number,
  policy: DecisionPolicy,
): Decision {
  const [first, second] = nearest;
  if (!first || !(first.distance < policy.secondFactorThreshold))
    return { kind: 'reject', distance: first?.distance ?? Infinity };
  const margin = (second?.distance ?? Infinity) - first.distance;
  const strict = first.distance < policy.acceptThreshold;
  const clear = margin >= policy.margin;
  if (strict && clear && gallerySize <= policy.maxGalleryForFaceAlone)
    return { kind: 'accept', personId: first.personId, distance: first.distance, margin };
  const candidates = nearest
    .filter((n) => n.distance < policy.secondFactorThreshold)
    .slice(0, Math.max(1, policy.maxCandidates));
  const reason: SecondFactorReason = !strict
    ? 'not-decisive'
    : !clear
      ? 'close-call'
      : 'gallery-too-large';
  return { kind: 'second-factor', candidates, reason };
}

/**
 * Frames of one live attempt, decided one by one, folded into the attempt's outcome: a face-alone
 * accept needs `framesToAgree` accepting frames in a row on the same person; two frames that
 * accept different people are a close call; two second-factor frames end the attempt with the
 * candidates of both (nearest first); `rejectFrames` rejecting frames end it as no match.
 */
export class FrameAgreement {
  private streak: { personId: string; frames: number; distance: number } | undefined;
  private secondFactorFrames = 0;
  private rejects = 0;
  private readonly candidates = new Map<string, number>();

  constructor(
    private readonly policy: DecisionPolicy,
    private readonly rejectFrames = 3,
    private readonly secondFactorAfter = 2,
  ) {}

  /** Adds one decided frame; returns the attempt's outcome once there is one. */
  push(decision: Decision): Decision | undefined {
    if (decision.kind === 'accept') {
      if (this.streak && this.streak.personId !== decision.personId) {
        // The face alone named two people: never pick one, ask.
        this.note(this.streak.personId, this.streak.distance);
        this.note(decision.personId, decision.distance);
        return this.secondFactor('close-call');
      }
      this.streak = {
        personId: decision.personId,
        frames: (this.streak?.frames ?? 0) + 1,
        distance: Math.min(this.streak?.distance ?? Infinity, decision.distance),
      };
      if (this.streak.frames >= Math.max(1, this.policy.framesToAgree)) return decision;
      return undefined;
    }
    // A frame that is not decisive breaks the streak: agreement means frames in a row.
    const broken = this.streak;
    this.streak = undefined;
    if (decision.kind === 'second-factor') {
      if (broken) this.note(broken.personId, broken.distance);
      for (const c of decision.candidates) this.note(c.personId, c.distance);
      if (++this.secondFactorFrames >= this.secondFactorAfter)
        return this.secondFactor(decision.reason);
      return undefined;
    }
    if (++this.rejects >= this.rejectFrames) return decision;
    return undefined;
  }

  private note(personId: string, distance: number): void {
    this.candidates.set(personId, Math.min(this.candidates.get(personId) ?? Infinity, distance));
  }

  private secondFactor(reason: SecondFactorReason): Decision {
    const candidates = [...this.candidates]
      .map(([personId, distance]) => ({ personId, distance }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, Math.max(1, this.policy.maxCandidates));
    return { kind: 'second-factor', candidates, reason };
  }
}
