import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceHint } from '../core/kiosk-api.ts';
import { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { DEFAULT_MATCH_POLICY } from './calibration.ts';
import { enrollFiles } from './enrollment.ts';
import { FaceEngine, type FaceObservation, projectRoot } from './face-engine.ts';
import {
  FaceIdentifier,
  type FaceIdentifierOptions,
  type LivenessOutcome,
  type QualityEvent,
} from './face-identifier.ts';
import { FaceGallery } from './gallery.ts';
import type { Frame } from '../hardware/camera/image.ts';
import { type ChallengeStep, seededRandom, shuffleSteps } from './liveness.ts';
import { type HeadPose, syntheticFace } from './synthetic-face.ts';
import { syntheticDescriptors, texturedFrame } from './synthetic-inputs.ts';
import { join } from 'node:path';

const frame = texturedFrame();

const { random, gaussian, identity } = syntheticDescriptors(21);
const ALICE = identity();
const BOB = identity();
const look = (who: Float32Array) => who.map((v) => v + gaussian() * 0.01);

/** A face as the engine reports it: synthetic landmarks with jitter, a descriptor of `who`. */
function observe(who: Float32Array, pose: HeadPose = {}): FaceObservation {
  const face = syntheticFace({ scale: 70, ...pose }, { sigma: 0.6, random });
  return { ...face, score: 0.99, descriptor: look(who) };
}

/** A test bench: a fake camera, an engine that plays a scene, and a clock the engine drives. */
function bench(
  scene: (frameNo: number) => FaceObservation[],
  extra: Partial<FaceIdentifierOptions> = {},
  passiveLiveness?: (frame: Frame, box: FaceObservation['box']) => Promise<number>,
) {
  let t = 0;
  let frameNo = 0;
  const detectors: (string | undefined)[] = [];
  const hints: FaceHint[] = [];
  const qualities: QualityEvent[] = [];
  const gallery = new FaceGallery();
  gallery.add('alice', ALICE);
  gallery.add('bob', BOB);
  const identifier = new FaceIdentifier({
    camera: { grab: async () => frame },
    engine: {
      detectAll: async (_frame, options) => {
        detectors.push(options?.detector);
        t += 200; // the engine's time per frame
        return scene(frameNo++);
      },
      ...(passiveLiveness ? { passiveLiveness } : {}),
    },
    gallery,
    policy: DEFAULT_MATCH_POLICY,
    idNumberOf: (id) => ({ alice: '110101194001010011', bob: '110101195002020022' })[id],
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    onQuality: (q) => qualities.push(q),
    ...extra,
  });
  const result = (signal = new AbortController().signal) =>
    identifier.identify({ signal, onHint: (h) => hints.push(h) });
  return { result, hints, qualities, detectors, frames: () => frameNo };
}

describe('FaceIdentifier without liveness', () => {
  const workerDied = () => {
    const error = new Error('face worker stopped: exit 1') as Error & { code: string };
    error.name = 'FaceEngineError';
    error.code = 'engine-failed';
    return error;
  };

  it('a frame a face worker lost (the pool replaces the worker) is looked at again', async () => {
    const b = bench((n) => {
      if (n === 0) throw workerDied();
      return [observe(ALICE)];
    });
    expect(await b.result()).toEqual({ kind: 'match', idNumber: '110101194001010011' });
    expect(b.frames()).toBe(2);
  });

  it('an engine that keeps failing still ends the attempt with its error', async () => {
    const b = bench(() => {
      throw workerDied();
    });
    await expect(b.result()).rejects.toMatchObject({ name: 'FaceEngineError' });
    expect(b.frames()).toBe(3);
  });

  it('matches a good frontal face and says "checking"', async () => {
    const b = bench(() => [observe(ALICE)]);
    expect(await b.result()).toEqual({ kind: 'match', idNumber: '110101194001010011' });
    expect(b.hints).toEqual(['checking']);
    expect(b.qualities[0]).toMatchObject({ reason: 'ok', faceCount: 1 });
  });

  it('between decisive frames the tracker keeps the hint current, but never decides', async () => {
    let release!: () => void;
    const decisiveDone = new Promise<void>((resolve) => (release = resolve));
    let tracked = 0;
    const hints: FaceHint[] = [];
    const gallery = new FaceGallery();
    gallery.add('alice', ALICE);
    const options = (trackBetween: boolean): FaceIdentifierOptions => ({
      camera: { grab: async () => frame },
      engine: {
        detectAll: async () => {
          if (trackBetween) await decisiveDone; // the decisive frame takes a while
          return [observe(ALICE)];
        },
        // Someone stands beside the patient for a moment, then the tracker sees one person.
        track: async () => {
          tracked++;
          if (tracked === 3) release();
          return tracked < 3
            ? [observe(BOB, { cx: 200 }), observe(ALICE, { cx: 450 })]
            : [observe(ALICE)];
        },
      },
      trackBetween,
      gallery,
      policy: DEFAULT_MATCH_POLICY,
      idNumberOf: () => '110101194001010011',
    });
    const signal = new AbortController().signal;
    const onHint = (h: FaceHint) => hints.push(h);
    expect(await new FaceIdentifier(options(true)).identify({ signal, onHint })).toMatchObject({
      kind: 'match',
    });
    // Two tracked frames told the patient; the third came in after the decisive frame was done,
    // so it is dropped, and the decisive frame's own verdict is the last word.
    expect(hints).toEqual(['multiple-faces', 'multiple-faces', 'checking']);
    expect(tracked).toBe(3);

    // Without trackBetween (a single engine thread), the tracker is not used at all.
    tracked = 0;
    hints.length = 0;
    await new FaceIdentifier(options(false)).identify({ signal, onHint });
    expect(tracked).toBe(0);
    expect(hints).toEqual(['checking']);
  });

  it('hands a decisive frame to the engine before making its preview, so the JPEG is made meanwhile', async () => {
    const order: string[] = [];
    const b = bench(
      () => {
        order.push('detectAll');
        return [observe(ALICE)];
      },
      { onPreview: () => order.push('preview') },
    );
    expect(await b.result()).toMatchObject({ kind: 'match' });
    expect(order.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < order.length; i += 2)
      expect(order.slice(i, i + 2)).toEqual(['detectAll', 'preview']);
  });

  it('decides only on a good frame; each bad one gets its hint and its detailed reason', async () => {
    const script: FaceObservation[][] = [
      [],
      [observe(BOB, { cx: 200 }), observe(ALICE, { cx: 450 })],
      [observe(ALICE, { yaw: 45 })],
      [observe(ALICE, { scale: 20 })],
      [observe(ALICE, { roll: 35 })],
      [observe(ALICE)],
    ];
    const b = bench((n) => script[n]!);
    expect(await b.result()).toMatchObject({ kind: 'match' });
    expect(b.hints).toEqual([
      'no-face',
      'multiple-faces',
      'look-at-camera',
      'look-at-camera',
      'look-at-camera',
      'checking',
    ]);
    expect(b.qualities.map((q) => q.reason)).toEqual([
      'no-face',
      'multiple-faces',
      'head-turned',
      'too-far',
      'head-tilted',
      'ok',
    ]);
  });

  it('a face close to two people is "uncertain", never a guess', async () => {
    const between = ALICE.map((v, k) => (v + BOB[k]!) / 2);
    const b = bench(() => [observe(between)], {
      policy: { threshold: 2, margin: 0.06 },
    });
    const result = await b.result();
    expect(result.kind).toBe('uncertain');
    // Both look-alikes are offered to the second factor, and nobody else.
    expect(result.kind === 'uncertain' && [...result.candidates].sort()).toHaveLength(2);
  });

  it('a stranger is "no-match" after three good frames', async () => {
    const b = bench(() => [observe(identity())]);
    expect(await b.result()).toEqual({ kind: 'no-match' });
    expect(b.frames()).toBe(3);
  });

  it('gives up at the timeout when nobody shows up', async () => {
    const b = bench(() => [], { timeoutMs: 2000 });
    expect(await b.result()).toEqual({ kind: 'no-match' });
    expect(b.frames()).toBeLessThan(10);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const b = bench(() => {
      controller.abort();
      return [observe(ALICE)];
    });
    expect(await b.result(controller.signal)).toEqual({ kind: 'no-match' });
  });
});

describe('FaceIdentifier with liveness', () => {
  /**
   * A patient who does what the kiosk asks: frontal until prompted, then each step over a few
   * frames, back to frontal after. `who` is whose face is in front of the camera.
   */
  function patient(who: (frameNo: number) => Float32Array = () => ALICE) {
    let step: ChallengeStep | undefined;
    let since = 0;
    const acts: Record<ChallengeStep, HeadPose[]> = {
      blink: [{}, { eyesOpen: 0.1 }, { eyesOpen: 0.1 }, {}],
      'turn-left': [{ yaw: 10 }, { yaw: 25 }, { yaw: 10 }, {}],
      'turn-right': [{ yaw: -10 }, { yaw: -25 }, { yaw: -10 }, {}],
    };
    return {
      onChallenge: (s: ChallengeStep) => {
        step = s;
        since = 0;
      },
      scene: (n: number) => [observe(who(n), step ? (acts[step][since++] ?? {}) : {})],
    };
  }

  it('accepts the match once the patient has blinked and turned, in the random order', async () => {
    const p = patient();
    const prompts: ChallengeStep[] = [];
    const outcomes: LivenessOutcome[] = [];
    const b = bench(p.scene, {
      liveness: true,
      random: seededRandom(3),
      onChallenge: (s) => {
        prompts.push(s);
        p.onChallenge(s);
      },
      onLiveness: (o) => outcomes.push(o),
    });
    expect(await b.result()).toEqual({ kind: 'match', idNumber: '110101194001010011' });
    expect(prompts).toEqual(shuffleSteps(seededRandom(3)));
    expect(outcomes).toEqual([{ kind: 'passed' }]);
  });

  /** A patient who answers the challenge, with passive scores from `score`. */
  function passiveBench(score: (frame: Frame, box: FaceObservation['box']) => Promise<number>) {
    const p = patient();
    const outcomes: LivenessOutcome[] = [];
    const b = bench(
      p.scene,
      {
        liveness: true,
        passiveThreshold: 0.3,
        random: seededRandom(5),
        onChallenge: p.onChallenge,
        onLiveness: (o) => outcomes.push(o),
      },
      score,
    );
    return { b, outcomes };
  }

  it('the challenge reads frames with the fast detector, and scores every frontal one passively', async () => {
    const scored: FaceObservation['box'][] = [];
    const { b, outcomes } = passiveBench(async (_frame, box) => {
      scored.push(box);
      return 0.8;
    });
    expect(await b.result()).toMatchObject({ kind: 'match' });
    expect(outcomes).toEqual([{ kind: 'passed' }]);
    expect(b.detectors[0]).toBe('ssd'); // the decisive frame
    expect(b.detectors.slice(1).every((d) => d === 'fast')).toBe(true);
    expect(scored.length).toBeGreaterThan(0);
  });

  it('a face that answers the challenge but scores as a spoof passively is not accepted', async () => {
    // Mostly spoof-like scores with one genuine-looking frame: the median decides, not one frame.
    const scores = [0.1, 0.9, 0.15, 0.2, 0.1, 0.12];
    let n = 0;
    const { b, outcomes } = passiveBench(async () => scores[n++ % scores.length]!);
    expect(await b.result()).toEqual({ kind: 'no-match' });
    expect(outcomes).toEqual([{ kind: 'failed', reason: 'passive' }]);
  });

  it('a passive check that fails to run counts against the face, and threshold 0 turns it off', async () => {
    for (const [threshold, expected] of [
      [0.3, 'no-match'],
      [0, 'match'],
    ] as const) {
      const p = patient();
      const b = bench(
        p.scene,
        { liveness: true, passiveThreshold: threshold, onChallenge: p.onChallenge },
        () => Promise.reject(new Error('worker stopped')),
      );
      expect((await b.result()).kind).toBe(expected);
    }
  });

  it('a photo (the same landmarks every frame) matches, then fails the challenge: no-match', async () => {
    const photo = observe(ALICE);
    const outcomes: LivenessOutcome[] = [];
    const prompts: ChallengeStep[] = [];
    const b = bench(() => [photo], {
      liveness: true,
      onChallenge: (s) => prompts.push(s),
      onLiveness: (o) => outcomes.push(o),
    });
    expect(await b.result()).toEqual({ kind: 'no-match' });
    expect(outcomes[0]).toMatchObject({ kind: 'failed', reason: 'static' });
    expect(prompts).toHaveLength(1); // asked once, never answered
  });

  it('a live face that does nothing fails when the step time is up', async () => {
    const outcomes: LivenessOutcome[] = [];
    const b = bench(() => [observe(ALICE)], {
      liveness: { stepTimeoutMs: 3000 },
      onLiveness: (o) => outcomes.push(o),
    });
    expect(await b.result()).toEqual({ kind: 'no-match' });
    expect(outcomes[0]).toMatchObject({ kind: 'failed', reason: 'timeout' });
  });

  it('a photo of Alice that matched cannot hand over to Bob, live, for the challenge', async () => {
    const p = patient((n) => (n === 0 ? ALICE : BOB));
    const outcomes: LivenessOutcome[] = [];
    const b = bench(p.scene, {
      liveness: true,
      onChallenge: p.onChallenge,
      onLiveness: (o) => outcomes.push(o),
    });
    expect(await b.result()).toEqual({ kind: 'no-match' });
    expect(outcomes[0]).toMatchObject({ kind: 'failed', reason: 'face-changed' });
  });

  it('a face that jumps elsewhere in the frame mid-challenge is another face', async () => {
    const p = patient();
    const outcomes: LivenessOutcome[] = [];
    const b = bench((n) => (n < 2 ? p.scene(n) : [observe(ALICE, { cx: 120 })]), {
      liveness: true,
      onChallenge: p.onChallenge,
      onLiveness: (o) => outcomes.push(o),
    });
    expect(await b.result()).toEqual({ kind: 'no-match' });
    expect(outcomes[0]).toMatchObject({ kind: 'failed', reason: 'face-changed' });
  });
});

describe('FaceIdentifier on the simulated camera and the real engine', () => {
  const fixturesDir = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
  let engine: FaceEngine;
  let gallery: FaceGallery;
  let camera: SimulatedCamera;

  beforeAll(async () => {
    engine = await FaceEngine.load();
    gallery = new FaceGallery();
    for (const person of ['sheldon', 'leonard'])
      await enrollFiles(engine, gallery, person, [join(fixturesDir, person, '1.png')]);
    camera = new SimulatedCamera({
      fixturesDir,
      scene: { kind: 'person', person: 'sheldon', photo: '3.png' },
    });
    await camera.start();
  });

  const identifier = (extra: Partial<FaceIdentifierOptions>) =>
    new FaceIdentifier({
      camera,
      engine,
      gallery,
      policy: DEFAULT_MATCH_POLICY,
      idNumberOf: (id) => `id-of-${id}`,
      intervalMs: 0,
      ...extra,
    });

  it('recognises the patient from a still photo when liveness is off (the default)', async () => {
    const hints: FaceHint[] = [];
    const result = await identifier({}).identify({
      signal: new AbortController().signal,
      onHint: (h) => hints.push(h),
    });
    expect(result).toEqual({ kind: 'match', idNumber: 'id-of-sheldon' });
    expect(hints).toEqual(['checking']);
  });

  it('with liveness on, the same still photo is refused', async () => {
    const outcomes: LivenessOutcome[] = [];
    const result = await identifier({
      liveness: true,
      onLiveness: (o) => outcomes.push(o),
    }).identify({
      signal: new AbortController().signal,
      onHint: () => undefined,
    });
    expect(result).toEqual({ kind: 'no-match' });
    expect(outcomes[0]).toMatchObject({ kind: 'failed', reason: 'static' });
  });
});
