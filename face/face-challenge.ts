/**
 * The liveness challenge as the identifier runs it on live frames, started on the frame that
 * decided (a face-alone accept, or the frames that sent the patient to the second factor). Every
 * usable frame must show the same face (its box moves continuously, no jump to another face), and
 * every frame that faces the camera must still be near one of the people decided on, so a photo
 * that matched cannot hand over to a live stranger who then answers the challenge. Frames are
 * taken back to back: a blink is short, and the engine is slow enough already.
 */
import type { FaceHint } from '../core/kiosk-api.ts';
import type { FaceEngine, FaceObservation } from './face-engine.ts';
import type { FaceGallery } from './gallery.ts';
import type { Frame } from '../hardware/camera/image.ts';
import {
  type ChallengeStep,
  DEFAULT_LIVENESS,
  LivenessChallenge,
  type LivenessFailure,
  type LivenessOptions,
} from './liveness.ts';
import type { QualityMetrics, QualityReason, QualityThresholds } from './quality.ts';

export type LivenessOutcome =
  | { kind: 'passed' }
  | { kind: 'failed'; reason: LivenessFailure | 'face-changed' | 'passive'; step?: ChallengeStep }
  | { kind: 'aborted' };

/** One frame as the identifier looked at it (grabbed, detected, gated). */
export interface LookedAt {
  face?: FaceObservation;
  reason: QualityReason;
  metrics?: QualityMetrics;
  frame?: Frame;
}

export interface ChallengeContext {
  /** One frame with these gates, through the fast detector; `onHint` gets its verdict. */
  look(gates: Partial<QualityThresholds>, onHint: (hint: FaceHint) => void): Promise<LookedAt>;
  engine: Partial<Pick<FaceEngine, 'passiveLiveness'>>;
  gallery: Pick<FaceGallery, 'distanceTo'>;
  /** A frontal frame further than this from every person decided on is another face. */
  stillThreshold: number;
  /** Yaw up to which a frame counts as facing the camera. */
  frontalYaw: number;
  options: Partial<LivenessOptions>;
  passiveThreshold?: number;
  random: () => number;
  now: () => number;
  onChallenge?: (step: ChallengeStep) => void;
}

/**
 * During the challenge the patient is asked to turn (so pose gates would refuse the very frames
 * we need) and moves (so a little blur is expected); the other gates still apply.
 */
const CHALLENGE_GATES: Partial<QualityThresholds> = {
  maxYaw: Infinity,
  maxRoll: Infinity,
  minSharpness: 0,
};

export async function runChallenge(
  c: ChallengeContext,
  personIds: readonly string[],
  matched: FaceObservation,
  gates: Partial<QualityThresholds>,
  signal: AbortSignal,
  onHint: (hint: FaceHint) => void,
): Promise<LivenessOutcome> {
  const challenge = new LivenessChallenge(c.options, c.random);
  const stepTimeoutMs = c.options.stepTimeoutMs ?? DEFAULT_LIVENESS.stepTimeoutMs;
  let status = challenge.push({ t: c.now(), landmarks: matched.landmarks });
  let prompted: ChallengeStep | undefined;
  let box = matched.box;
  let confirmed = false; // a frontal frame after the first one matched the person again
  let mismatches = 0;
  let confirmBy = Infinity;
  // Passive scores of the frontal frames, computed while the next frame is analysed (on the
  // other worker of a pool).
  const passive: Promise<number>[] = [];
  const scorePassive = (frame: Frame, box: FaceObservation['box']) => {
    const { passiveLiveness } = c.engine;
    if (!passiveLiveness || !c.passiveThreshold) return;
    const score = passiveLiveness.call(c.engine, frame, box);
    score.catch(() => undefined); // judged (and counted as failed) when the challenge ends
    passive.push(score);
  };
  const nearest = (descriptor: Float32Array) =>
    Math.min(...personIds.map((id) => c.gallery.distanceTo(id, descriptor) ?? Infinity));
  for (;;) {
    if (status.kind === 'failed') return status;
    if (status.kind === 'passed') {
      if (confirmed) return judgePassive(c, passive, status);
      // Every step answered, but only by frames turned away: one frontal look to confirm.
      confirmBy = Math.min(confirmBy, c.now() + stepTimeoutMs);
    } else if (status.step !== prompted) {
      prompted = status.step;
      c.onChallenge?.(status.step);
    }
    // During the challenge the patient is told the step ("please blink"), not frame quality,
    // unless the face is lost altogether.
    if (prompted) onHint(prompted);
    const { face, reason, metrics, frame } = await c.look(
      { ...gates, ...CHALLENGE_GATES },
      (hint) => {
        if (hint === 'no-face' || hint === 'multiple-faces') onHint(hint);
      },
    );
    if (signal.aborted) return { kind: 'aborted' };
    const t = c.now();
    if (t > confirmBy) return { kind: 'failed', reason: 'timeout' };
    if (!face || reason !== 'ok') {
      status = challenge.tick(t);
      continue;
    }
    const failed = {
      kind: 'failed',
      reason: 'face-changed',
      ...(prompted && { step: prompted }),
    } as const;
    if (!sameTrack(box, face.box)) return failed;
    box = face.box;
    if (metrics && Math.abs(metrics.yaw) <= c.frontalYaw) {
      if (nearest(face.descriptor) < c.stillThreshold) {
        confirmed = true;
        mismatches = 0;
        if (frame) scorePassive(frame, face.box);
      } else if (++mismatches >= 2) {
        // One odd frame (mid-blink, motion blur) is noise; two in a row are another face.
        return failed;
      }
    }
    status = challenge.push({ t, landmarks: face.landmarks });
  }
}

/**
 * The active challenge passed; the passive check has the last word. A score that could not be
 * computed counts as a failure: a check that errors must not wave a face through.
 */
async function judgePassive(
  c: ChallengeContext,
  scores: Promise<number>[],
  passed: LivenessOutcome,
): Promise<LivenessOutcome> {
  const threshold = c.passiveThreshold;
  if (!threshold || !c.engine.passiveLiveness) return passed;
  const settled = await Promise.allSettled(scores);
  const values = settled.map((s) => (s.status === 'fulfilled' ? s.value : 0));
  return values.length > 0 && median(values) >= threshold
    ? passed
    : { kind: 'failed', reason: 'passive' };
}

/**
 * The same face in consecutive frames: its centre moved less than half its width and its size
 * changed by less than half. A different face stepping in lands elsewhere or at another size.
 */
function sameTrack(a: FaceObservation['box'], b: FaceObservation['box']): boolean {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  const ratio = b.width / a.width;
  return Math.hypot(dx, dy) < 0.5 * a.width && ratio > 2 / 3 && ratio < 1.5;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
