import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceEngine, projectRoot } from './face-engine.ts';
import { compose, decodeImage } from '../hardware/camera/image.ts';
import type { Point } from './landmarks.ts';
import {
  type ChallengeStep,
  CHALLENGE_STEPS,
  type LandmarkFrame,
  LivenessChallenge,
  nonRigidResidual,
  scoreChallenge,
  seededRandom,
  shuffleSteps,
} from './liveness.ts';
import { headLandmarks, type HeadPose } from './synthetic-face.ts';

const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');

/** A live head: every frame has a little landmark jitter, as a real detector on a real face. */
function live(poses: HeadPose[], seed = 7, stepMs = 100): LandmarkFrame[] {
  const random = seededRandom(seed);
  return poses.map((pose, i) => ({
    t: i * stepMs,
    landmarks: headLandmarks(pose, { sigma: 0.4, random }),
  }));
}

const still = (n: number, pose: HeadPose = {}): HeadPose[] => Array.from({ length: n }, () => pose);
const blink: HeadPose[] = [
  ...still(3),
  { eyesOpen: 0.6 },
  { eyesOpen: 0.15 },
  { eyesOpen: 0.1 },
  { eyesOpen: 0.7 },
  ...still(2),
];
const turn = (to: number): HeadPose[] => [
  { yaw: to * 0.3 },
  { yaw: to * 0.7 },
  { yaw: to },
  { yaw: to * 0.5 },
  { yaw: 0 },
];
/** Positive yaw is the patient's own left. */
const turnLeft = turn(25);
const turnRight = turn(-25);

describe('challenge order', () => {
  it('is a permutation of all three steps, the same for the same seed', () => {
    const a = shuffleSteps(seededRandom(42));
    expect([...a].sort()).toEqual([...CHALLENGE_STEPS].sort());
    expect(shuffleSteps(seededRandom(42))).toEqual(a);
  });

  it('varies from attempt to attempt: all six orders appear', () => {
    const random = seededRandom(1);
    const orders = new Set(Array.from({ length: 200 }, () => shuffleSteps(random).join(',')));
    expect(orders.size).toBe(6);
  });

  it('a challenge asks for its steps in the shuffled order', () => {
    const steps = shuffleSteps(seededRandom(9));
    const challenge = new LivenessChallenge({}, seededRandom(9));
    expect(challenge.steps).toEqual(steps);
    expect(challenge.status).toEqual({ kind: 'step', step: steps[0], index: 0 });
  });
});

describe('a live head passes', () => {
  it.each<[ChallengeStep[], HeadPose[]]>([
    [
      ['blink', 'turn-left', 'turn-right'],
      [...blink, ...turnLeft, ...turnRight],
    ],
    [
      ['turn-right', 'blink', 'turn-left'],
      [...turnRight, ...blink, ...turnLeft],
    ],
  ])('%j', (steps, poses) => {
    expect(scoreChallenge(live(poses), { steps })).toEqual({ kind: 'passed' });
  });

  it('moving about the frame while answering does not matter', () => {
    const poses = [...blink, ...turnLeft].map((p, i) => ({ ...p, cx: 300 + 4 * i, scale: 60 + i }));
    expect(scoreChallenge(live(poses), { steps: ['blink', 'turn-left'] })).toEqual({
      kind: 'passed',
    });
  });

  it('with a mirrored camera, left and right swap', () => {
    expect(
      scoreChallenge(live([...still(2), ...turnRight]), { steps: ['turn-left'], mirrored: true }),
    ).toEqual({ kind: 'passed' });
  });
});

describe('scoring', () => {
  it('a turn the wrong way does not count', () => {
    const status = scoreChallenge(live([...still(2), ...turnRight]), { steps: ['turn-left'] });
    expect(status).toEqual({ kind: 'step', step: 'turn-left', index: 0 });
  });

  it('a turn that stops short of the required angle does not count', () => {
    const status = scoreChallenge(live([...still(2), ...turn(10)]), { steps: ['turn-left'] });
    expect(status.kind).toBe('step');
  });

  it('eyes that close but never reopen are not a blink', () => {
    const poses = [...still(3), { eyesOpen: 0.1 }, { eyesOpen: 0.1 }, { eyesOpen: 0.1 }];
    expect(scoreChallenge(live(poses), { steps: ['blink'] }).kind).toBe('step');
  });

  it('half-closed eyes are not a blink', () => {
    const poses = [...still(3), { eyesOpen: 0.75 }, ...still(3)];
    expect(scoreChallenge(live(poses), { steps: ['blink'] }).kind).toBe('step');
  });

  it('a step answered after its time limit fails with "timeout"', () => {
    const frames = live([...still(3), ...blink], 7, 1000); // blink closes at about 7 s
    expect(scoreChallenge(frames, { steps: ['blink'], stepTimeoutMs: 5000 })).toEqual({
      kind: 'failed',
      reason: 'timeout',
      step: 'blink',
    });
  });

  it('the limit runs per step, from the moment the step was asked', () => {
    const frames = live([...blink, ...still(4), ...turnLeft], 7, 700);
    expect(scoreChallenge(frames, { steps: ['blink', 'turn-left'], stepTimeoutMs: 8000 })).toEqual({
      kind: 'passed',
    });
  });

  it('tick() fails a step whose time ran out while no face was in view', () => {
    const challenge = new LivenessChallenge({ steps: ['blink'], stepTimeoutMs: 1000 });
    challenge.push(live(still(1))[0]!);
    expect(challenge.tick(900).kind).toBe('step');
    expect(challenge.tick(1001)).toEqual({ kind: 'failed', reason: 'timeout', step: 'blink' });
  });

  it('after an outcome further frames change nothing; stale frames are ignored', () => {
    const challenge = new LivenessChallenge({ steps: ['turn-left'] });
    for (const frame of live([...still(2), ...turnLeft])) challenge.push(frame);
    expect(challenge.status).toEqual({ kind: 'passed' });
    expect(challenge.push({ t: -5, landmarks: headLandmarks() })).toEqual({ kind: 'passed' });
  });

  it('refuses a landmark set of the wrong size', () => {
    const challenge = new LivenessChallenge({ steps: ['blink'] });
    expect(() => challenge.push({ t: 0, landmarks: [{ x: 0, y: 0 }] })).toThrow(/68/);
  });
});

describe('spoofs fail', () => {
  it('identical landmarks frame after frame (a replayed frame) fail as "static"', () => {
    const frame = headLandmarks();
    const frames = Array.from({ length: 6 }, (_, i) => ({ t: i * 100, landmarks: frame }));
    expect(scoreChallenge(frames, { steps: ['blink'] })).toEqual({
      kind: 'failed',
      reason: 'static',
      step: 'blink',
    });
  });

  it('a photo slid, rotated and scaled in the image plane with zero jitter never passes', () => {
    const poses = Array.from({ length: 40 }, (_, i) => ({
      cx: 300 + 3 * i,
      cy: 200 - i,
      roll: i / 2,
      scale: 60 + i / 4,
    }));
    const frames = poses.map((pose, i) => ({ t: i * 250, landmarks: headLandmarks(pose) }));
    expect(nonRigidResidual(frames[0]!.landmarks, frames[39]!.landmarks)).toBeLessThan(1e-9);
    expect(scoreChallenge(frames, { steps: ['blink'] })).toEqual({
      kind: 'failed',
      reason: 'rigid',
      step: 'blink',
    });
  });

  it('the "rigid" rule also stops a forged stream that answers the challenge without jitter', () => {
    const frames = [...blink, ...turnLeft].map((pose, i) => ({
      t: i * 100,
      landmarks: headLandmarks(pose),
    }));
    // A blink and a turn are themselves non-rigid, so this only fails if forged to be tiny.
    expect(scoreChallenge(frames, { steps: ['blink', 'turn-left'] }).kind).toBe('passed');
    expect(
      scoreChallenge(frames, { steps: ['blink', 'turn-left'], minNonRigidMotion: 1 }),
    ).toMatchObject({ kind: 'failed', reason: 'rigid' });
  });

  it('a photo tipped back and forth (eyes look shorter, but so does the whole face) is no blink', () => {
    // Tipping a flat picture shrinks every vertical distance by cos(angle).
    const squash = (points: Point[], f: number) =>
      points.map((p) => ({ x: p.x, y: 200 + (p.y - 200) * f }));
    const random = seededRandom(3);
    const factors = [1, 1, 0.9, 0.5, 0.4, 0.5, 0.9, 1, 1];
    const frames = factors.map((f, i) => ({
      t: i * 150,
      landmarks: squash(headLandmarks({}, { sigma: 0.4, random }), f),
    }));
    expect(scoreChallenge(frames, { steps: ['blink'] }).kind).toBe('step');
  });

  it('a photo turned about its vertical axis (foreshortened sideways) is no head turn', () => {
    const narrow = (points: Point[], f: number) =>
      points.map((p) => ({ x: 320 + (p.x - 320) * f, y: p.y }));
    const random = seededRandom(4);
    const frames = [1, 0.9, 0.7, 0.5, 0.7, 0.9, 1].map((f, i) => ({
      t: i * 150,
      landmarks: narrow(headLandmarks({}, { sigma: 0.4, random }), f),
    }));
    expect(scoreChallenge(frames, { steps: ['turn-left'] }).kind).toBe('step');
    expect(scoreChallenge(frames, { steps: ['turn-right'] }).kind).toBe('step');
  });
});

describe('fixture photos through the real detector', () => {
  let engine: FaceEngine;
  const frames: { label: string; landmarks: Point[] }[] = [];

  beforeAll(async () => {
    engine = await FaceEngine.load();
    const photo = decodeImage(readFileSync(join(fixtures, 'sheldon', '1.png')));
    // The photo held up to the camera: at rest, then slid and moved closer, as a hand would.
    const shots: [string, number, number, number][] = [
      ['rest', 1.44, 0, 0],
      ['rest again', 1.44, 0, 0],
      ['slid sideways', 1.44, 24, 0],
      ['slid down', 1.44, 24, 16],
      ['closer', 1.6, 10, 8],
    ];
    for (const [label, scale, dx, dy] of shots) {
      const frame = compose(640 + 2 * Math.abs(dx), 480 + 2 * Math.abs(dy), photo, scale);
      const shifted = crop(frame, Math.abs(dx) + dx, Math.abs(dy) + dy, 640, 480);
      const [face] = await engine.detectAll(shifted);
      frames.push({ label, landmarks: face!.landmarks });
    }
  });

  const sequence = (labels: string[]) =>
    labels.map((label, i) => ({
      t: i * 500,
      landmarks: frames.find((f) => f.label === label)!.landmarks,
    }));

  it('the same photo frame after frame gives identical landmarks and fails as "static"', () => {
    const status = scoreChallenge(sequence(['rest', 'rest again', 'rest', 'rest again', 'rest']), {
      steps: ['blink'],
    });
    expect(status).toEqual({ kind: 'failed', reason: 'static', step: 'blink' });
  });

  it.each<ChallengeStep>(['blink', 'turn-left', 'turn-right'])(
    'a moved photo cannot answer "%s" and fails when its time is up',
    (step) => {
      const labels = ['rest', 'slid sideways', 'slid down', 'closer', 'slid sideways', 'rest'];
      const frames = [
        ...sequence(labels),
        ...sequence(labels).map((f) => ({ ...f, t: f.t + 3000 })),
      ];
      frames.push({ ...frames[0]!, t: 9000 });
      const status = scoreChallenge(frames, { steps: [step], stepTimeoutMs: 8000 });
      // The detector's own jitter on a moved photo (about 0.013-0.016 eye distances) is above
      // the "zero jitter" floor, so it is the unanswered step that fails it, not the rigid rule.
      expect(status).toEqual({ kind: 'failed', reason: 'timeout', step });
    },
  );
});

function crop(
  frame: { width: number; height: number; data: Uint8Array },
  x: number,
  y: number,
  width: number,
  height: number,
) {
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const from = ((row + y) * frame.width + x) * 3;
    data.set(frame.data.subarray(from, from + width * 3), row * width * 3);
  }
  return { width, height, data };
}
