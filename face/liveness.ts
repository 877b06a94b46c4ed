/**
 * Active liveness: the patient is asked to blink, turn their head left and turn it right, in
 * an order chosen at random per attempt, each within a time limit, and the answer is read from
 * the 68 landmarks of successive frames. A printed photo or a phone showing a still cannot
 * blink, and cannot turn its head: the measures used (eye aspect ratio; nose offset along the
 * eye line over the eye distance) do not change when a flat picture is moved, rotated, scaled
 * or tipped, because those only apply one affine map to every point. A sequence whose
 * landmarks never change, or change only by such a rigid in-plane motion with no jitter at
 * all, is refused outright: living faces and real cameras always jitter.
 *
 * What this cannot stop (a video replay that happens to match the order, a 3-D mask) is in
 * docs/face.md "Liveness". Pure: no clock, no engine; frames carry their own timestamps.
 */
import {
  estimatePose,
  eyeAspectRatio,
  eyeFrame,
  faceHeightRatio,
  LANDMARK_COUNT,
  type Point,
} from './landmarks.ts';

export type ChallengeStep = 'blink' | 'turn-left' | 'turn-right';
export const CHALLENGE_STEPS: readonly ChallengeStep[] = ['blink', 'turn-left', 'turn-right'];

export interface LivenessOptions {
  /** Steps in order; default: all three, shuffled with `random`. */
  steps?: ChallengeStep[];
  /** Each step must be done within this long after it was asked for. */
  stepTimeoutMs: number;
  /** Eyes count as closed below this share of the open eye aspect ratio seen so far ... */
  closedRatio: number;
  /** ... and as open again above this share. */
  reopenRatio: number;
  /** A turn counts when the yaw has moved this many degrees from the frontal start. */
  turnDegrees: number;
  /**
   * A blink frame counts only if the eyes-to-mouth proportion stayed within this share of the
   * start: a photo tipped away shrinks the eyes' height and that proportion together.
   */
  maxFaceHeightChange: number;
  /**
   * Smallest non-rigid landmark motion (RMS, share of the eye distance) a real face shows
   * somewhere in a challenge. A sequence that never exceeds it moved, if at all, as one
   * rigid picture.
   */
  minNonRigidMotion: number;
  /** This many frames in a row with identical landmarks: a frozen picture. */
  maxIdenticalFrames: number;
  /** True when the camera delivers mirrored frames (left and right swapped). */
  mirrored: boolean;
}

export const DEFAULT_LIVENESS: LivenessOptions = {
  // Elderly-first: slow is fine, a step only fails after 8 s.
  stepTimeoutMs: 8000,
  closedRatio: 0.6,
  reopenRatio: 0.85,
  turnDegrees: 15,
  maxFaceHeightChange: 0.15,
  minNonRigidMotion: 0.01,
  maxIdenticalFrames: 4,
  mirrored: false,
};

export interface LandmarkFrame {
  /** Milliseconds, increasing. */
  t: number;
  landmarks: Point[];
}

export type LivenessFailure = 'timeout' | 'static' | 'rigid';

export type LivenessStatus =
  | { kind: 'step'; step: ChallengeStep; index: number }
  | { kind: 'passed' }
  | { kind: 'failed'; reason: LivenessFailure; step?: ChallengeStep };

/** Seedable PRNG (mulberry32), so a test or a support case can replay a challenge order. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates: every order equally likely, so a recorded answer matches 1 time in 6. */
export function shuffleSteps(
  random: () => number,
  steps: readonly ChallengeStep[] = CHALLENGE_STEPS,
): ChallengeStep[] {
  const out = [...steps];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Residual of the best similarity transform (translation, rotation, uniform scale) taking `a`
 * onto `b`, RMS over the points, as a share of b's eye distance: 0 when `b` is `a` moved as
 * one rigid picture in the image plane.
 */
export function nonRigidResidual(a: readonly Point[], b: readonly Point[]): number {
  const n = a.length;
  let ax = 0;
  let ay = 0;
  let bx = 0;
  let by = 0;
  for (let i = 0; i < n; i++) {
    ax += a[i]!.x;
    ay += a[i]!.y;
    bx += b[i]!.x;
    by += b[i]!.y;
  }
  ax /= n;
  ay /= n;
  bx /= n;
  by /= n;
  // Least squares for b ≈ [[p, -q], [q, p]] · a + t, in centred coordinates (Umeyama).
  let saa = 0;
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!.x - ax;
    const y = a[i]!.y - ay;
    const u = b[i]!.x - bx;
    const v = b[i]!.y - by;
    saa += x * x + y * y;
    sp += x * u + y * v;
    sq += x * v - y * u;
  }
  const p = saa > 0 ? sp / saa : 0;
  const q = saa > 0 ? sq / saa : 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!.x - ax;
    const y = a[i]!.y - ay;
    const u = b[i]!.x - bx;
    const v = b[i]!.y - by;
    err += (p * x - q * y - u) ** 2 + (q * x + p * y - v) ** 2;
  }
  return Math.sqrt(err / n) / eyeFrame(b).interocular;
}

function identical(a: readonly Point[], b: readonly Point[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.x !== b[i]!.x || a[i]!.y !== b[i]!.y) return false;
  }
  return true;
}

/**
 * One challenge: push frames as they come; the status says which step to prompt, or the
 * outcome. After an outcome, further frames change nothing.
 */
export class LivenessChallenge {
  readonly steps: readonly ChallengeStep[];
  private readonly o: LivenessOptions;
  private index = 0;
  private outcome: LivenessStatus | undefined;
  private first: LandmarkFrame | undefined;
  private previous: LandmarkFrame | undefined;
  private stepStart: number | undefined;
  private identicalRun = 0;
  private maxNonRigid = 0;
  // Baselines from the first frame: the patient faces the camera when the challenge starts.
  private baseYaw = 0;
  private baseHeight = 0;
  // Blink state within the current step.
  private openEar = 0;
  private closed = false;

  constructor(options: Partial<LivenessOptions> = {}, random: () => number = Math.random) {
    this.o = { ...DEFAULT_LIVENESS, ...options };
    this.steps = this.o.steps ? [...this.o.steps] : shuffleSteps(random);
    if (this.steps.length === 0) throw new Error('a liveness challenge needs at least one step');
  }

  get status(): LivenessStatus {
    return this.outcome ?? { kind: 'step', step: this.steps[this.index]!, index: this.index };
  }

  /** The clock moved without a usable frame (no face, several faces): the limit still runs. */
  tick(t: number): LivenessStatus {
    if (this.outcome) return this.outcome;
    this.stepStart ??= t;
    return t - this.stepStart > this.o.stepTimeoutMs
      ? this.fail(this.failureReason())
      : this.status;
  }

  push(frame: LandmarkFrame): LivenessStatus {
    if (this.outcome) return this.outcome;
    if (frame.landmarks.length !== LANDMARK_COUNT)
      throw new Error(`expected ${LANDMARK_COUNT} landmarks`);
    // Our own clock stamps frames; one no newer than the last is a duplicate, not evidence.
    if (this.previous && frame.t <= this.previous.t) return this.status;
    this.stepStart ??= frame.t;
    if (!this.first) {
      this.first = frame;
      this.baseYaw = estimatePose(frame.landmarks).yaw;
      this.baseHeight = faceHeightRatio(frame.landmarks);
    }
    if (this.previous && identical(this.previous.landmarks, frame.landmarks)) {
      if (++this.identicalRun >= this.o.maxIdenticalFrames - 1) return this.fail('static');
    } else {
      this.identicalRun = 0;
    }
    this.maxNonRigid = Math.max(
      this.maxNonRigid,
      nonRigidResidual(this.first.landmarks, frame.landmarks),
    );
    this.previous = frame;

    if (frame.t - this.stepStart > this.o.stepTimeoutMs) return this.fail(this.failureReason());
    if (this.stepDone(frame)) {
      this.index++;
      this.stepStart = frame.t;
      this.openEar = 0;
      this.closed = false;
      if (this.index === this.steps.length) {
        // Both measures are immune to rigid motion, so this only fires on a forged landmark
        // stream; it is kept as the explicit rule the challenge promises.
        if (this.maxNonRigid < this.o.minNonRigidMotion) return this.fail('rigid');
        this.outcome = { kind: 'passed' };
        return this.outcome;
      }
    }
    return this.status;
  }

  private stepDone(frame: LandmarkFrame): boolean {
    const step = this.steps[this.index]!;
    if (step === 'blink') {
      const ear = eyeAspectRatio(frame.landmarks);
      const height = faceHeightRatio(frame.landmarks);
      if (Math.abs(height / this.baseHeight - 1) > this.o.maxFaceHeightChange) return false;
      if (!this.closed) {
        if (this.openEar > 0 && ear < this.o.closedRatio * this.openEar) this.closed = true;
        else this.openEar = Math.max(this.openEar, ear);
        return false;
      }
      return ear > this.o.reopenRatio * this.openEar;
    }
    const yaw = (estimatePose(frame.landmarks).yaw - this.baseYaw) * (this.o.mirrored ? -1 : 1);
    // Positive yaw is the patient's own left (see landmarks.ts).
    return step === 'turn-left' ? yaw >= this.o.turnDegrees : yaw <= -this.o.turnDegrees;
  }

  /** Why a step ran out of time: a picture that never changed says more than "too slow". */
  private failureReason(): LivenessFailure {
    if (!this.first || this.first === this.previous) return 'timeout';
    if (this.maxNonRigid === 0) return 'static';
    if (this.maxNonRigid < this.o.minNonRigidMotion) return 'rigid';
    return 'timeout';
  }

  private fail(reason: LivenessFailure): LivenessStatus {
    const step = this.steps[this.index];
    this.outcome = step ? { kind: 'failed', reason, step } : { kind: 'failed', reason };
    return this.outcome;
  }
}

/** Scores a whole recorded sequence at once (tests, diagnostics). */
export function scoreChallenge(
  frames: readonly LandmarkFrame[],
  options: Partial<LivenessOptions> & { steps: ChallengeStep[] },
): LivenessStatus {
  const challenge = new LivenessChallenge(options);
  let status = challenge.status;
  for (const frame of frames) {
    status = challenge.push(frame);
    if (status.kind !== 'step') return status;
  }
  return status;
}
