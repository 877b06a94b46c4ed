/**
 * 1:N identification from the camera: grab frames, gate them for quality, and decide only on a
 * good frame. The decision is the gallery's (threshold AND margin), so a face close to two
 * people is "uncertain" and never a guess. Frames stay in memory; only a small preview JPEG
 * leaves this module, for the patient to see themselves.
 */
import type { FaceHint } from '../../core/kiosk-api.ts';
import type { FaceIdentificationPort, FaceIdentifyResult } from '../../core/session-controller.ts';
import type { Camera } from '../camera/camera.ts';
import type { FaceEngine, FaceObservation } from './face-engine.ts';
import type { FaceGallery, MatchPolicy } from './gallery.ts';
import { fitWithin, type Frame, toJpeg } from './image.ts';

export interface FaceIdentifierOptions {
  camera: Camera;
  engine: FaceEngine;
  gallery: FaceGallery;
  policy: MatchPolicy;
  /** Gallery person id -> the ID number the gateway knows the person by. */
  idNumberOf: (personId: string) => string | undefined;
  /** Gives up (no match) after this long without a decision. */
  timeoutMs?: number;
  /** Pause between frames; the engine's own time is on top. */
  intervalMs?: number;
  /** Faces that match nobody on this many good frames in a row: not recognised. */
  noMatchFrames?: number;
  /** A face narrower than this share of the frame is too far away to trust. */
  minFaceWidthRatio?: number;
  onPreview?: (jpeg: Uint8Array, width: number, height: number) => void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

export class FaceIdentifier implements FaceIdentificationPort {
  constructor(private readonly o: FaceIdentifierOptions) {}

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
    const needNoMatch = this.o.noMatchFrames ?? 3;
    let noMatches = 0;
    let uncertain = 0;
    while (!signal.aborted && now() < deadline) {
      const frame = await this.o.camera.grab();
      this.preview(frame);
      const faces = await this.o.engine.detectAll(frame);
      if (signal.aborted) break;
      const verdict = this.judge(frame, faces);
      if (verdict.hint) onHint(verdict.hint);
      if (verdict.face) {
        const decision = this.o.gallery.identify(verdict.face.descriptor, this.o.policy);
        if (decision.kind === 'match') {
          const idNumber = this.o.idNumberOf(decision.personId);
          if (idNumber) return { kind: 'match', idNumber };
          noMatches++;
        } else if (decision.kind === 'uncertain') {
          if (++uncertain >= 2) return { kind: 'uncertain' };
        } else {
          noMatches++;
        }
        if (noMatches >= needNoMatch) return { kind: 'no-match' };
      }
      await sleep(this.o.intervalMs ?? 150, signal);
    }
    return { kind: 'no-match' };
  }

  /** The quality gate: which face (if any) is good enough to decide on, and what to tell the patient. */
  private judge(
    frame: Frame,
    faces: FaceObservation[],
  ): { face?: FaceObservation; hint?: FaceHint } {
    if (faces.length === 0) return { hint: 'no-face' };
    const [largest, second] = faces;
    if (second && second.box.width > 0.6 * largest!.box.width) return { hint: 'multiple-faces' };
    if (largest!.box.width < frame.width * (this.o.minFaceWidthRatio ?? 0.12))
      return { hint: 'look-at-camera' };
    return { face: largest!, hint: 'checking' };
  }

  private preview(frame: Frame): void {
    if (!this.o.onPreview) return;
    const small = fitWithin(frame, 320);
    this.o.onPreview(toJpeg(small, 60), small.width, small.height);
  }
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
