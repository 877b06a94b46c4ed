/**
 * Geometry on the 68-point landmark layout (iBUG 300-W, as face-api returns it): eye centres,
 * head pose and eye openness. Pure functions, shared by the quality gates and the liveness
 * challenge so both read the face the same way.
 *
 * Indexes are 0-based. "Right eye" is the subject's right eye, which is on the image's left in
 * an unmirrored camera frame (points 36-41); the subject's left eye is 42-47.
 */
export interface Point {
  x: number;
  y: number;
}

export const LANDMARK_COUNT = 68;
export const RIGHT_EYE = [36, 37, 38, 39, 40, 41] as const;
export const LEFT_EYE = [42, 43, 44, 45, 46, 47] as const;
export const NOSE_TIP = 30;
export const MOUTH = Array.from({ length: 20 }, (_, i) => 48 + i);

/**
 * How far the nose tip stands in front of the eyes, as a share of the distance between the eye
 * centres (anthropometric average: about 30 mm in front of about 62 mm). It turns the nose's
 * sideways offset into a yaw angle; it is an average face, so angles are approximate (a few
 * degrees), which is all a "please face the camera" gate and a head-turn challenge need.
 */
export const NOSE_DEPTH_RATIO = 0.5;

export function centroid(points: readonly Point[], indexes: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indexes) {
    x += points[i]!.x;
    y += points[i]!.y;
  }
  return { x: x / indexes.length, y: y / indexes.length };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function checkLandmarks(landmarks: readonly Point[]): void {
  if (landmarks.length !== LANDMARK_COUNT)
    throw new Error(`expected ${LANDMARK_COUNT} landmarks, got ${landmarks.length}`);
}

export interface EyeFrame {
  right: Point;
  left: Point;
  middle: Point;
  /** Distance between the eye centres, the face's own unit of length. */
  interocular: number;
  /** Unit vector from the right eye to the left eye (the face's "x axis"). */
  ux: number;
  uy: number;
}

export function eyeFrame(landmarks: readonly Point[]): EyeFrame {
  checkLandmarks(landmarks);
  const right = centroid(landmarks, RIGHT_EYE);
  const left = centroid(landmarks, LEFT_EYE);
  const interocular = Math.max(distance(right, left), 1e-6);
  return {
    right,
    left,
    middle: { x: (right.x + left.x) / 2, y: (right.y + left.y) / 2 },
    interocular,
    ux: (left.x - right.x) / interocular,
    uy: (left.y - right.y) / interocular,
  };
}

export interface Pose {
  /** Degrees; positive when the subject turns to their own left (nose moves to image right). */
  yaw: number;
  /** Degrees; the eye line's angle to the horizontal, positive clockwise on screen. */
  roll: number;
}

export function estimatePose(landmarks: readonly Point[]): Pose {
  const eyes = eyeFrame(landmarks);
  const nose = landmarks[NOSE_TIP]!;
  // Measured along the eye line, so an in-plane tilt does not read as a turn; and divided by
  // the eye distance, so a flat photo turned or foreshortened sideways keeps the same ratio
  // (both shrink together) and cannot fake a head turn.
  const offset = (nose.x - eyes.middle.x) * eyes.ux + (nose.y - eyes.middle.y) * eyes.uy;
  const yaw = (Math.atan(offset / eyes.interocular / NOSE_DEPTH_RATIO) * 180) / Math.PI;
  const roll = (Math.atan2(eyes.uy, eyes.ux) * 180) / Math.PI;
  return { yaw, roll };
}

function eyeAspect(landmarks: readonly Point[], eye: readonly number[]): number {
  const [p1, p2, p3, p4, p5, p6] = eye.map((i) => landmarks[i]!) as [
    Point,
    Point,
    Point,
    Point,
    Point,
    Point,
  ];
  return (distance(p2, p6) + distance(p3, p5)) / (2 * Math.max(distance(p1, p4), 1e-6));
}

/**
 * Eye aspect ratio (Soukupová and Čech, 2016), both eyes averaged: about 0.25-0.35 open, under
 * about 0.15 closed.
 */
export function eyeAspectRatio(landmarks: readonly Point[]): number {
  checkLandmarks(landmarks);
  return (eyeAspect(landmarks, RIGHT_EYE) + eyeAspect(landmarks, LEFT_EYE)) / 2;
}

/**
 * Eyes-to-mouth distance over the eye distance. A blink does not change it; a photo tipped
 * away from the camera shrinks every vertical distance, this one included, so a blink
 * "seen" while this ratio also dropped is a tipped photo, not a blink.
 */
export function faceHeightRatio(landmarks: readonly Point[]): number {
  const eyes = eyeFrame(landmarks);
  return distance(eyes.middle, centroid(landmarks, MOUTH)) / eyes.interocular;
}
