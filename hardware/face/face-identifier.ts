/**
 * 1:N identification from the camera: grab frames, gate them for quality, and decide only on a
 * good frame. The decision is the gallery's (threshold AND margin), so a face close to two
 * people is "uncertain" and never a guess. With liveness on, a match is only accepted after
 * the patient has answered a blink / head-turn challenge, while the same face stays in view
 * and keeps matching the same person. Frames stay in memory; only a small preview JPEG leaves
 * this module, for the patient to see themselves.
 */
import type { FaceHint } from '../../core/kiosk-api.ts';
import type { FaceIdentificationPort, FaceIdentifyResult } from '../../core/ports.ts';
import type { Camera } from '../camera/camera.ts';
import type { FaceDetector, FaceEngine, FaceObservation } from './face-engine.ts';
import type { FaceGallery, MatchPolicy } from './gallery.ts';
import { fitWithin, type Frame, toJpeg } from './image.ts';
import {
  type ChallengeStep,
  DEFAULT_LIVENESS,
  LivenessChallenge,
  type LivenessFailure,
  type LivenessOptions,
} from './liveness.ts';
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

export type LivenessOutcome =
  | { kind: 'passed' }
  | { kind: 'failed'; reason: LivenessFailure | 'face-changed' | 'passive'; step?: ChallengeStep }
  | { kind: 'aborted' };

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
  gallery: Pick<FaceGallery, 'identify' | 'verify' | 'search' | 'distanceTo'>;
  policy: MatchPolicy;
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

/**
 * During the challenge the patient is asked to turn (so pose gates would refuse the very frames
 * we need) and moves (so a little blur is expected); the other gates still apply.
 */
const CHALLENGE_GATES: Partial<QualityThresholds> = {
  maxYaw: Infinity,
  maxRoll: Infinity,
  minSharpness: 0,
};

export class FaceIdentifier implements FaceIdentificationPort {
  private readonly gates: Partial<QualityThresholds>;
  private noFramesSince: number | undefined;
  private liveness: FaceIdentifierOptions['liveness'];

  /** Liveness on or off at run time (testers' control; configuration sets the start value). */
  setLiveness(liveness: FaceIdentifierOptions['liveness']): void {
    this.liveness = liveness;
  }

  constructor(private readonly o: FaceIdentifierOptions) {
    this.liveness = o.liveness;
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
    const needNoMatch = this.o.noMatchFrames ?? 3;
    let noMatches = 0;
    let uncertain = 0;
    while (!signal.aborted && now() < deadline) {
      const { face, reason } = await this.look(this.gates, onHint, signal);
      if (signal.aborted) break;
      if (face && reason === 'ok') {
        const decision = this.o.gallery.identify(face.descriptor, this.o.policy);
        if (decision.kind === 'match') {
          const idNumber = this.o.idNumberOf(decision.personId);
          if (idNumber) {
            if (!this.liveness) return { kind: 'match', idNumber };
            const outcome = await this.challenge(decision.personId, face, signal, onHint);
            this.o.onLiveness?.(outcome);
            // A failed challenge is "not recognised": the patient may try again or use the
            // QR code; the kiosk never says "you look like a photo" to a real person.
            return outcome.kind === 'passed' ? { kind: 'match', idNumber } : { kind: 'no-match' };
          }
          noMatches++;
        } else if (decision.kind === 'uncertain') {
          if (++uncertain >= 2) return { kind: 'uncertain', candidates: this.lookAlikes(face) };
        } else {
          noMatches++;
        }
        if (noMatches >= needNoMatch) return { kind: 'no-match' };
      }
      await sleep(this.o.intervalMs ?? 150, signal);
    }
    return { kind: 'no-match' };
  }

  /**
   * The people this face is close to (under the threshold, within the margin of the best): the
   * second factor chooses among them, so it cannot pick someone the face does not resemble.
   */
  private lookAlikes(face: FaceObservation): string[] {
    const ranked = this.o.gallery.search(face.descriptor, 5);
    const best = ranked[0]?.distance ?? Infinity;
    return ranked
      .filter(
        (r) => r.distance < this.o.policy.threshold && r.distance - best < this.o.policy.margin,
      )
      .map((r) => this.o.idNumberOf(r.personId))
      .filter((id): id is string => id !== undefined);
  }

  /**
   * 1:1 (the patient keyed in their ID number): the same frames, gates and liveness as 1:N, but
   * decided against that one person's templates with the threshold alone.
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
    let misses = 0;
    while (!signal.aborted && now() < deadline) {
      const { face, reason } = await this.look(this.gates, onHint, signal);
      if (signal.aborted) break;
      if (face && reason === 'ok') {
        const decision = this.o.gallery.verify(personId, face.descriptor, this.o.policy);
        if (decision.kind === 'match') {
          if (!this.liveness) return 'match';
          const outcome = await this.challenge(personId, face, signal, onHint);
          this.o.onLiveness?.(outcome);
          return outcome.kind === 'passed' ? 'match' : 'no-match';
        }
        if (++misses >= (this.o.noMatchFrames ?? 3)) return 'no-match';
      }
      await sleep(this.o.intervalMs ?? 150, signal);
    }
    return 'no-match';
  }

  /** One frame: grab, detect, gate, tell the patient. */
  private async look(
    gates: Partial<QualityThresholds>,
    onHint: (hint: FaceHint) => void,
    signal: AbortSignal,
    detector: FaceDetector = this.o.detector ?? 'ssd',
  ): Promise<{
    face?: FaceObservation;
    reason: QualityReason;
    metrics?: QualityMetrics;
    frame?: Frame;
  }> {
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
    this.preview(frame);
    const faces = await this.trackWhile(
      this.o.engine.detectAll(frame, {
        detector,
        ...(this.o.ssdInputSize ? { ssdInputSize: this.o.ssdInputSize } : {}),
      }),
      gates,
      onHint,
      signal,
    );
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
   * The liveness challenge, started on the frame that matched. Every usable frame must show
   * the same face (its box moves continuously, no jump to another face), and every frame that
   * faces the camera must still match the same person, so a photo that matched cannot hand
   * over to a live stranger who then answers the challenge. Frames are taken back to back:
   * a blink is short, and the engine is slow enough already.
   */
  private async challenge(
    personId: string,
    matched: FaceObservation,
    signal: AbortSignal,
    onHint: (hint: FaceHint) => void,
  ): Promise<LivenessOutcome> {
    const now = this.o.now ?? (() => Date.now());
    const options = typeof this.liveness === 'object' ? this.liveness : {};
    const challenge = new LivenessChallenge(options, this.o.random ?? Math.random);
    const stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_LIVENESS.stepTimeoutMs;
    const frontalYaw = this.gates.maxYaw ?? DEFAULT_QUALITY.maxYaw;
    let status = challenge.push({ t: now(), landmarks: matched.landmarks });
    let prompted: ChallengeStep | undefined;
    let box = matched.box;
    let confirmed = false; // a frontal frame after the first one matched the person again
    let mismatches = 0;
    let confirmBy = Infinity;
    // Passive scores of the frontal frames, computed while the next frame is analysed (on the
    // other worker of a pool).
    const passive: Promise<number>[] = [];
    const scorePassive = (frame: Frame, box: FaceObservation['box']) => {
      const { passiveLiveness } = this.o.engine;
      if (!passiveLiveness || !this.o.passiveThreshold) return;
      const score = passiveLiveness.call(this.o.engine, frame, box);
      score.catch(() => undefined); // judged (and counted as failed) when the challenge ends
      passive.push(score);
    };
    for (;;) {
      if (status.kind === 'failed') return status;
      if (status.kind === 'passed') {
        if (confirmed) return this.judgePassive(passive, status);
        // Every step answered, but only by frames turned away: one frontal look to confirm.
        confirmBy = Math.min(confirmBy, now() + stepTimeoutMs);
      } else if (status.step !== prompted) {
        prompted = status.step;
        this.o.onChallenge?.(status.step);
      }
      // During the challenge the patient is told the step ("please blink"), not frame quality,
      // unless the face is lost altogether.
      if (prompted) onHint(prompted);
      // The challenge needs frames often (a blink lasts a fifth of a second): the tiny detector
      // finds the face, and the same landmark and descriptor nets read it.
      const { face, reason, metrics, frame } = await this.look(
        { ...this.gates, ...CHALLENGE_GATES },
        (hint) => {
          if (hint === 'no-face' || hint === 'multiple-faces') onHint(hint);
        },
        signal,
        'fast',
      );
      if (signal.aborted) return { kind: 'aborted' };
      const t = now();
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
      if (metrics && Math.abs(metrics.yaw) <= frontalYaw) {
        const distance = this.o.gallery.distanceTo(personId, face.descriptor) ?? Infinity;
        if (distance < this.o.policy.threshold) {
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

  /**
   * The active challenge passed; the passive check has the last word. A score that could not be
   * computed counts as a failure: a check that errors must not wave a face through.
   */
  private async judgePassive(
    scores: Promise<number>[],
    passed: LivenessOutcome,
  ): Promise<LivenessOutcome> {
    const threshold = this.o.passiveThreshold;
    if (!threshold || !this.o.engine.passiveLiveness) return passed;
    const settled = await Promise.allSettled(scores);
    const values = settled.map((s) => (s.status === 'fulfilled' ? s.value : 0));
    return values.length > 0 && median(values) >= threshold
      ? passed
      : { kind: 'failed', reason: 'passive' };
  }

  private preview(frame: Frame): void {
    if (!this.o.onPreview) return;
    const small = fitWithin(frame, 320);
    this.o.onPreview(toJpeg(small, 60), small.width, small.height);
  }
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
