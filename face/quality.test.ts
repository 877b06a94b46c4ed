import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceEngine, type FaceObservation, projectRoot } from './face-engine.ts';
import { compose, decodeImage, type Frame } from '../hardware/camera/image.ts';
import { estimatePose, eyeAspectRatio } from './landmarks.ts';
import { assessQuality, DEFAULT_QUALITY, hintFor, type QualityReason } from './quality.ts';
import { syntheticFace, type HeadPose } from './synthetic-face.ts';

const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');

/** A 640x480 frame of mid-grey with fine texture, so brightness and sharpness are realistic. */
function texturedFrame(level = 128, contrast = 40, width = 640, height = 480): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = level + ((x * 7 + y * 13) % 5 === 0 ? contrast : (x + y) % 2 ? -contrast / 4 : 0);
      data.fill(Math.max(0, Math.min(255, v)), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { width, height, data };
}

function adjust(frame: Frame, f: (v: number) => number): Frame {
  return { ...frame, data: frame.data.map((v) => Math.max(0, Math.min(255, Math.round(f(v))))) };
}

/** Box blur of the given radius (a shaky hand, or a camera out of focus). */
function blur(frame: Frame, r: number): Frame {
  const { width, height } = frame;
  const out = new Uint8Array(frame.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || xx < 0 || yy >= height || xx >= width) continue;
            sum += frame.data[(yy * width + xx) * 3 + c]!;
            n++;
          }
        }
        out[(y * width + x) * 3 + c] = Math.round(sum / n);
      }
    }
  }
  return { width, height, data: out };
}

const face = (pose: HeadPose = {}) => syntheticFace({ scale: 70, ...pose });
const judge = (faces: ReturnType<typeof face>[], frame = texturedFrame()) =>
  assessQuality(frame, faces).reason;

describe('landmark geometry', () => {
  it('reads yaw and roll back from a synthetic head within a degree or so', () => {
    for (const yaw of [-30, -15, 0, 15, 30]) {
      expect(Math.abs(estimatePose(syntheticFace({ yaw }).landmarks).yaw - yaw)).toBeLessThan(1);
    }
    for (const roll of [-20, 0, 25]) {
      // Roll is read along the eye line, so it does not leak into yaw, nor yaw into it.
      const pose = estimatePose(syntheticFace({ roll, yaw: 10 }).landmarks);
      expect(Math.abs(pose.roll - roll)).toBeLessThan(0.5);
      expect(Math.abs(pose.yaw - 10)).toBeLessThan(1);
    }
  });

  it('eye aspect ratio: open about 0.3, shut under 0.1', () => {
    expect(eyeAspectRatio(syntheticFace().landmarks)).toBeGreaterThan(0.25);
    expect(eyeAspectRatio(syntheticFace({ eyesOpen: 0.1 }).landmarks)).toBeLessThan(0.1);
  });
});

describe('quality gates on synthetic faces', () => {
  it("a frontal face at arm's length on a lit, sharp frame is ok", () => {
    expect(judge([face()])).toBe('ok');
  });

  it.each<[string, ReturnType<typeof face>[], QualityReason]>([
    ['nobody', [], 'no-face'],
    [
      'two people side by side',
      [face({ cx: 200 }), face({ cx: 450, scale: 60 })],
      'multiple-faces',
    ],
    ['too far', [face({ scale: 20 })], 'too-far'],
    ['too close', [face({ scale: 300, cy: 240 })], 'too-close'],
    ['half out of the frame', [face({ cx: 620 })], 'off-frame'],
    ['head turned', [face({ yaw: 40 })], 'head-turned'],
    ['head tilted', [face({ roll: 30 })], 'head-tilted'],
  ])('%s: %s', (_, faces, reason) => {
    expect(judge(faces)).toBe(reason);
  });

  it('a small face far behind the patient (a passer-by) is ignored', () => {
    expect(judge([face(), face({ cx: 560, cy: 100, scale: 25 })])).toBe('ok');
  });

  it('the largest face is the patient whatever order the detector gives', () => {
    const patient = face();
    const report = assessQuality(texturedFrame(), [face({ cx: 560, scale: 25 }), patient]);
    expect(report.face).toBe(patient);
    expect(report.faceCount).toBe(2);
  });

  it.each<[string, Frame, QualityReason]>([
    ['dark', texturedFrame(25, 10), 'too-dark'],
    ['glare', texturedFrame(235, 10), 'too-bright'],
    ['blurred (flat, no detail)', texturedFrame(128, 0), 'blurred'],
  ])('%s frame', (_, frame, reason) => {
    expect(judge([face()], frame)).toBe(reason);
  });

  it('maps every reason to one of the kiosk hints', () => {
    expect(hintFor('ok')).toBe('checking');
    expect(hintFor('no-face')).toBe('no-face');
    expect(hintFor('multiple-faces')).toBe('multiple-faces');
    expect(hintFor('blurred')).toBe('hold-still');
    for (const r of [
      'too-far',
      'too-close',
      'off-frame',
      'too-dark',
      'too-bright',
      'head-turned',
      'head-tilted',
    ] as const)
      expect(hintFor(r)).toBe('look-at-camera');
  });

  it('thresholds can be overridden one at a time', () => {
    expect(assessQuality(texturedFrame(), [face({ yaw: 40 })], { maxYaw: 45 }).reason).toBe('ok');
  });
});

describe('quality gates on the fixture photos, through the real detector', () => {
  let engine: FaceEngine;
  const scene = (person: string, photo: string, scale = 1.44): Frame =>
    compose(640, 480, decodeImage(readFileSync(join(fixtures, person, photo))), scale);
  let frame: Frame;
  let detected: FaceObservation[];

  beforeAll(async () => {
    engine = await FaceEngine.load();
    frame = scene('sheldon', '2.png'); // as the simulated camera shows a patient
    detected = await engine.detectAll(frame);
  });

  it('a patient as the simulated camera shows them passes every gate', () => {
    const report = assessQuality(frame, detected);
    expect(report.reason).toBe('ok');
    expect(report.metrics!.sharpness).toBeGreaterThan(DEFAULT_QUALITY.minSharpness);
  });

  it('the same frame darkened, washed out or blurred fails for that reason', () => {
    // Same detection, changed pixels: the gates are pure functions of both.
    expect(
      assessQuality(
        adjust(frame, (v) => v * 0.25),
        detected,
      ).reason,
    ).toBe('too-dark');
    expect(
      assessQuality(
        adjust(frame, (v) => v * 1.6 + 60),
        detected,
      ).reason,
    ).toBe('too-bright');
    expect(assessQuality(blur(frame, 4), detected).reason).toBe('blurred');
  });

  it('darkening alone does not read as blur (sharpness is contrast-free)', () => {
    const dark = assessQuality(
      adjust(frame, (v) => v * 0.5),
      detected,
    );
    expect(dark.metrics!.sharpness).toBeCloseTo(
      assessQuality(frame, detected).metrics!.sharpness,
      1,
    );
  });

  it('the tight 150x150 crop itself: the face fills the picture, step back', async () => {
    const crop = decodeImage(readFileSync(join(fixtures, 'sheldon', '2.png')));
    expect(assessQuality(crop, await engine.detectAll(crop)).reason).toBe('too-close');
  });

  it('the patient far away from the camera', async () => {
    const far = scene('sheldon', '2.png', 0.35);
    expect(assessQuality(far, await engine.detectAll(far)).reason).toBe('too-far');
  });

  it('a group photo: several faces of similar size', async () => {
    const group = decodeImage(readFileSync(join(fixtures, '_group', 'bbt1.jpg')));
    const report = assessQuality(group, await engine.detectAll(group));
    expect(report.reason).toBe('multiple-faces');
    expect(report.faceCount).toBeGreaterThan(1);
  });

  it('a blank picture has no face', async () => {
    const blank = decodeImage(readFileSync(join(fixtures, '_group', 'noface-white.png')));
    expect(assessQuality(blank, await engine.detectAll(blank)).reason).toBe('no-face');
  });
});
