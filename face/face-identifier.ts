/**
 * 1:N identification from the camera: grab frames, gate them for quality, and decide only on a
 * good frame. Each good frame is decided by the decision policy (decision-policy.ts): the face
 * alone accepts only when it is decisive (strict threshold, margin over the next person, a
 * gallery small enough) on `framesToAgree` frames in a row; anything between accept and reject
 * ends as "uncertain" with the candidates' ID numbers for the second factor, never a guess. With
 * liveness on, either outcome is given only after the patient has answered a blink / head-turn
 * challenge (face-challenge.ts) while the same face stays in view. Frames stay in memory; only a
 * small preview JPEG leaves this module, for the patient to see themselves.
 */
import type { FaceHint } from '../core/kiosk-api.ts';
import type { FaceIdentificationPort, FaceIdentifyResult } from '../core/ports.ts';
import type { Camera } from '../hardware/camera/camera.ts';
import type { FaceDetector, FaceEngine, FaceObservation } from './face-engine.ts';
import {
  type Decision,
  type DecisionPolicy,
  decide,
  FrameAgreement,
  fromMatchPolicy,
  searchLimit,
} from './decision-policy.ts';
import { type LivenessOutcome, type LookedAt, runChallenge } from './face-challenge.ts';
import type { FaceGallery, MatchPolicy } from './gallery.ts';
import { fitWithin, type Frame, toJpeg } from '../hardware/camera/image.ts';
import type { ChallengeStep, LivenessOptions } from './liveness.ts';
import {
  assessQuality,
  DEFAULT_QUALITY,
  hintFor,
  type QualityMetrics,
  type QualityReason,
  type QualityThresholds,
} from './quality.ts';

/** What onQuality reports for each frame: the reason and measures, never the face itself. */
export interface QualityEvent {
  reason: QualityReason;
  faceCount: number;
  metrics?: QualityMetrics;
}

export type { LivenessOutcome };

export interface FaceIdentifierOptions {
  camera: Pick<Camera, 'grab'>;
  /**
   * The nets. passiveLiveness is optional (without it, only the active challenge counts); so is
   * track (see trackBetween).
   */
  engine: Pick<FaceEngine, 'detectAll'> & Partial<Pick<FaceEngine, 'passiveLiveness' | 'track'>>;
  /**
   * While a decisive frame is analysed (~0.4 s with SSD), follow the face with the tracker on
   * the frames in between and update the patient's hint from them. Worth it only where the
   * tracker runs beside the decisive frame (a pool of two or more workers).
   */
  trackBetween?: boolean;
  /** The gallery searched (a FaceGallery, or a sync that swaps galleries behind one view). */
  gallery: Pick<FaceGallery, 'search' | 'distanceTo' | 'persons'>;
  /**
   * The decision policy. A plain threshold and margin (the configuration before the policy) is
   * read as the old rule: accept under the threshold with the margin, candidates under the
   * threshold, any gallery size, one frame (fromMatchPolicy).
   */
  policy: DecisionPolicy | MatchPolicy;
  /** Gallery person id -> the ID number the gateway knows the person by. */
  idNumberOf: (personId: string) => string | undefined;
  /** Gives up (no match) after this long without a decision. */
  timeoutMs?: number;
  /** The decisive frame's detector (see FaceDetector). */
  detector?: FaceDetector;
  /** SSD's input size on camera frames (ssd-input-size.ts); the engine's 512 when absent. */
  ssdInputSize?: number;
  /** How long a camera may take to deliver its first picture before it counts as unavailable. */
  firstFrameMs?: number;
  /** ID number -> gallery person id, for 1:1 verification. */
  personIdOf?: (idNumber: string) => string | undefined;
  /** Pause between frames; the engine's own time is on top. */
  intervalMs?: number;
  /** Faces that match nobody on this many good frames in a row: not recognised. */
  noMatchFrames?: number;
  /** A face narrower than this share of the frame is too far away to trust. */
  minFaceWidthRatio?: number;
  /** Quality gate thresholds; DEFAULT_QUALITY for the rest. */
  quality?: Partial<QualityThresholds>;
  /** Each frame's verdict, with the detailed reason the patient-facing hint cannot carry. */
  onQuality?: (event: QualityEvent) => void;
  /**
   * Liveness challenge before a match is accepted; off by default, because the simulated
   * camera shows a still photo, which (rightly) can never pass.
   */
  liveness?: boolean | Partial<LivenessOptions>;
  /**
   * With liveness on: the median passive score (engine.passiveLiveness) over the challenge's
   * frontal frames must reach this; 0 or absent turns the passive check off.
   */
  passiveThreshold?: number;
  /** Each challenge step as the patient is asked to do it. */
  onChallenge?: (step: ChallengeStep) => void;
  /** How the challenge ended (for logs: a reason code, no face data). */
  onLiveness?: (outcome: LivenessOutcome) => void;
  /** Random source for the challenge order; seedable in tests. */
  random?: () => number;
  onPreview?: (jpeg: Uint8Array, width: number, height: number) => void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

export class FaceIdentifier implements FaceIdentificationPort {
  private readonly gates: Partial<QualityThresholds>;
  private readonly policy: DecisionPolicy;
  private noFramesSince: number | undefined;
  /** Frames of this attempt a face worker lost (it died and the pool replaced it). */
  private lostFrames = 0;
  private liveness: FaceIdentifierOptions['liveness'];

  /** Liveness on or off at run time (testers' control; configuration sets the start value). */
  setLiveness(liveness: FaceIdentifierOptions['liveness']): void {
    this.liveness = liveness;
  }

  constructor(private readonly o: FaceIdentifierOptions) {
    this.liveness = o.liveness;
    this.policy = 'threshold' in o.policy ? fromMatchPolicy(o.policy) : o.policy;
    this.gates = {
      ...(o.minFaceWidthRatio === undefined ? {} : { minFaceWidthRatio: o.minFaceWidthRatio }),
      ...o.quality,
    };
  }

  async identify({
    signal,
    onHint,
  }: {
    signal: AbortSignal;
    onHint: (hint: FaceHint) => void;
  }): Promise<FaceIdentifyResult> {
    const now = this.o.now ?? (() => Date.now());
    const sleep = this.o.sleep ?? defaultSleep;
    const deadline = now() + (this.o.timeoutMs ?? 20_000);
    this.noFramesSince = undefined;
    this.lostFrames = 0;
    const agreement = new FrameAgreement(this.policy, this.o.noMatchFrames ?? 3);
    const limit = searchLimit(this.policy);
    while (!signal.aborted && now() < deadline) {
      const { face, reason } = await this.look(this.gates, onHint, signal);
      if (signal.aborted) break;
      if (face && reason === 'ok') {
        let decision = decide(
          this.o.gallery.search(face.descriptor, limit),
          this.o.gallery.persons,
          this.policy,
        );
        // Someone enrolled whom the gateway no longer names cannot pay: nobody, for this frame.
        if (decision.kind === 'accept' && !this.o.idNumberOf(decision.personId))
          decision = { kind: 'reject', distance: decision.distance };
        const outcome = agreement.push(decision);
        if (outcome) return this.conclude(outcome, face, signal, onHint);
        // A good face that needs another frame to agree: the next one at once (its analysis
        // takes far longer than the camera's frame interval, so it is a new picture).
        continue;
      }
      // No usable face yet: a pause, so the patient's move shows in the next picture.
      await sleep(this.o.intervalMs ?? 150, signal);
    }
    return { kind: 'no-match' };
  }

  /**
   * The attempt's outcome to the session: a face-alone accept as a match, the second factor as
   * "uncertain" with the candidates' ID numbers (nearest first), after the liveness challenge
   * when it is on. A failed challenge is "not recognised": the patient may try again or use the
   * QR code; the kiosk never says "you look like a photo" to a real person.
   */
  private async conclude(
    outcome: Decision,
    face: FaceObservation,
    signal: AbortSignal,
    onHint: (hint: FaceHint) => void,
  ): Promise<FaceIdentifyResult> {
    if (outcome.kind === 'reject') return { kind: 'no-match' };
    const personIds =
      outcome.kind === 'accept' ? [outcome.personId] : outcome.candidates.map((c) => c.personId);
    const idNumbers = personIds
      .map((id) => this.o.idNumberOf(id))
      .filter((id): id is string => id !== undefined);
    if (idNumbers.length === 0) return { kind: 'no-match' };
    if (this.liveness) {
      const passed = await this.challenge(personIds, face, signal, onHint);
      if (!passed) return { kind: 'no-match' };
    }
    return outcome.kind === 'accept'
      ? { kind: 'match', idNumber: idNumbers[0]! }
      : { kind: 'uncertain', candidates: idNumbers };
  }

  /**
   * 1:1 (the patient keyed in their ID number): the same frames, gates and liveness as 1:N, but
   * decided against that one person's templates with the second-factor threshold alone.
   */
  async verify(
    idNumber: string,
    { signal, onHint }: { signal: AbortSignal; onHint: (hint: FaceHint) => void },
  ): Promise<'match' | 'no-match' | 'not-enrolled'> {
    const personId = this.o.personIdOf?.(idNumber);
    if (
      personId === undefined ||
      this.o.gallery.distanceTo(personId, new Float32Array(128)) === undefined
    ) {
      return 'not-enrolled';
    }
    const now = this.o.now ?? (() => Date.now());
    const sleep = this.o.sleep ?? defaultSleep;
    const deadline = now() + (this.o.timeoutMs ?? 20_000);
    this.noFramesSince = undefined;
    this.lostFrames = 0;
    let misses = 0;
    while (!signal.aborted && now() < deadline) {
      const { face, reason } = await this.look(this.gates, onHint, signal);
      if (signal.aborted) break;
      if (face && reason === 'ok') {
        // The whole ID number keyed in is a second factor already: one comparison, decided as
        // a candidate is.
        const distance = this.o.gallery.distanceTo(personId, face.descriptor) ?? Infinity;
        if (distance < this.policy.secondFactorThreshold) {
          if (!this.liveness) return 'match';
          return (await this.challenge([personId], face, signal, onHint)) ? 'match' : 'no-match';
        }
        if (++misses >= (this.o.noMatchFrames ?? 3)) return 'no-match';
      }
      await sleep(this.o.intervalMs ?? 150, signal);
    }
    return 'no-match';
  }

  /** The liveness challenge on live frames (face-challenge.ts); true when it passed. */
  private async challenge(
    personIds: readonly string[],
    face: FaceObservation,
    signal: AbortSignal,
    onHint: (hint: FaceHint) => void,
  ): Promise<boolean> {
    const options = typeof this.liveness === 'object' ? this.liveness : {};
    const outcome = await runChallenge(
      {
        // The challenge needs frames often (a blink lasts a fifth of a second): the tiny
        // detector finds the face, and the same landmark and descriptor nets read it.
        look: (gates, hint) => this.look(gates, hint, signal, 'fast'),
        engine: this.o.engine,
        gallery: this.o.gallery,
        // Still one of the people decided on, by the looser of the two thresholds: frames
        // during the challenge blink and turn; a swap to another face is also caught by its box.
        stillThreshold: this.policy.secondFactorThreshold,
        frontalYaw: this.gates.maxYaw ?? DEFAULT_QUALITY.maxYaw,
        options,
        ...(this.o.passiveThreshold === undefined
          ? {}
          : { passiveThreshold: this.o.passiveThreshold }),
        random: this.o.random ?? Math.random,
        now: this.o.now ?? (() => Date.now()),
        ...(this.o.onChallenge ? { onChallenge: this.o.onChallenge } : {}),
      },
      personIds,
      face,
      this.gates,
      signal,
      onHint,
    );
    this.o.onLiveness?.(outcome);
    return outcome.kind === 'passed';
  }

  /** One frame: grab, detect, gate, tell the patient. */
  private async look(
    gates: Partial<QualityThresholds>,
    onHint: (hint: FaceHint) => void,
    signal: AbortSignal,
    detector: FaceDetector = this.o.detector ?? 'ssd',
  ): Promise<LookedAt> {
    let frame: Frame;
    try {
      frame = await this.o.camera.grab();
      this.noFramesSince = undefined;
    } catch (error) {
      // A camera just opened by the renderer may need a moment to deliver its first picture;
      // only a camera that stays silent (or is unplugged) is a failure.
      const code = (error as { code?: unknown }).code;
      const now = (this.o.now ?? Date.now)();
      this.noFramesSince ??= now;
      if (code !== 'no-frames' || now - this.noFramesSince > (this.o.firstFrameMs ?? 5000))
        throw error;
      onHint('look-at-camera');
      return { reason: 'no-face' };
    }
    // The frame goes to its worker first and the preview is made on this thread while the
    // worker analyses it: ~50-80 ms of JPEG encoding a decisive frame no longer waits for.
    const decisive = this.o.engine.detectAll(frame, {
      detector,
      ...(this.o.ssdInputSize ? { ssdInputSize: this.o.ssdInputSize } : {}),
    });
    decisive.catch(() => undefined); // awaited below; never unhandled if the preview throws
    this.preview(frame);
    let faces: FaceObservation[];
    try {
      faces = await this.trackWhile(decisive, gates, onHint, signal);
    } catch (error) {
      // A face worker that dies loses only the frame it had (face-engine-pool.ts starts another):
      // the patient is not sent away for a lost frame or two; an engine that stays down still is.
      if (isLostFrame(error) && ++this.lostFrames <= MAX_LOST_FRAMES) return { reason: 'no-face' };
      throw error;
    }
    if (signal.aborted) return { reason: 'no-face' };
    const report = assessQuality(frame, faces, gates);
    this.o.onQuality?.({
      reason: report.reason,
      faceCount: report.faceCount,
      ...(report.metrics ? { metrics: report.metrics } : {}),
    });
    onHint(hintFor(report.reason));
    return { ...report, frame };
  }

  /**
   * Hints at camera pace: until the decisive frame is done, newer frames go to the tracker
   * (tiny detector and landmarks, on another worker) and the patient is told what they show
   * ("move closer", "only one person"). The tracker never decides: only the decisive frame does.
   */
  private async trackWhile<T>(
    decisive: Promise<T>,
    gates: Partial<QualityThresholds>,
    onHint: (hint: FaceHint) => void,
    signal: AbortSignal,
  ): Promise<T> {
    const { track } = this.o.engine;
    if (!this.o.trackBetween || !track) return decisive;
    let done = false;
    const settled = decisive.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done && !signal.aborted) {
      let frame: Frame;
      try {
        frame = await this.o.camera.grab();
      } catch {
        break; // the decisive frame's own grab reports camera trouble
      }
      const faces = await Promise.race([
        track.call(this.o.engine, frame).catch(() => undefined), // hints only: never fatal
        settled,
      ]);
      if (done || signal.aborted || !Array.isArray(faces)) break;
      this.preview(frame);
      onHint(hintFor(assessQuality(frame, faces, gates).reason));
    }
    return decisive;
  }

  private preview(frame: Frame): void {
    if (!this.o.onPreview) return;
    const small = fitWithin(frame, 320);
    this.o.onPreview(toJpeg(small, 60), small.width, small.height);
  }
}

/** Lost frames one attempt outlives: a worker replaced once or twice, not an engine that is down. */
const MAX_LOST_FRAMES = 2;

/** face-engine-pool.ts's FaceEngineError 'engine-failed': a worker's frame, not a bad image. */
function isLostFrame(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown } | null;
  return e?.name === 'FaceEngineError' && e.code === 'engine-failed';
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
