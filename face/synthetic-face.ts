/**
 * Synthetic 68-point landmarks of a head in 3-D, for tests of the quality gates and of
 * liveness: a real blink and a real head turn with no camera, and spoofs (a flat picture moved,
 * tipped or frozen) that are exactly what they claim to be.
 *
 * The frontal shape is the mean of the fixture photos' landmarks that face the camera, in units
 * of the eye distance with the eyes' midpoint at the origin; depth is a rough average head
 * (jaw line behind the eyes, nose tip NOSE_DEPTH_RATIO in front), enough for yaw to move the
 * nose against the eyes the way a real head does.
 */
import { NOSE_DEPTH_RATIO, type Point } from './landmarks.ts';

// prettier-ignore
const MEAN_SHAPE: readonly (readonly [number, number])[] = [
  [-1.141, 0.011], [-1.108, 0.317], [-1.053, 0.608], [-0.995, 0.854], [-0.902, 1.135],
  [-0.75, 1.355], [-0.568, 1.513], [-0.324, 1.683], [0.03, 1.778], [0.378, 1.675],
  [0.592, 1.522], [0.756, 1.374], [0.901, 1.143], [1.001, 0.866], [1.051, 0.604],
  [1.099, 0.327], [1.113, 0.027], [-0.905, -0.246], [-0.769, -0.345], [-0.598, -0.37],
  [-0.437, -0.353], [-0.294, -0.301], [0.296, -0.299], [0.434, -0.35], [0.593, -0.372],
  [0.773, -0.347], [0.898, -0.254], [0.001, 0.046], [0.006, 0.262], [0.007, 0.464],
  [0.002, 0.64], [-0.176, 0.737], [-0.095, 0.771], [0.009, 0.791], [0.114, 0.763],
  [0.195, 0.742], [-0.683, -0.015], [-0.582, -0.059], [-0.438, -0.06], [-0.307, 0.018],
  [-0.418, 0.066], [-0.573, 0.052], [0.301, 0.017], [0.434, -0.064], [0.585, -0.063],
  [0.679, -0.002], [0.578, 0.061], [0.424, 0.051], [-0.404, 1.085], [-0.259, 1.026],
  [-0.081, 0.988], [0.014, 1.003], [0.102, 0.98], [0.299, 1.035], [0.452, 1.085],
  [0.295, 1.22], [0.165, 1.292], [0.02, 1.314], [-0.112, 1.295], [-0.256, 1.231],
  [-0.383, 1.089], [-0.122, 1.075], [0.014, 1.076], [0.145, 1.079], [0.419, 1.085],
  [0.15, 1.163], [0.023, 1.181], [-0.107, 1.171],
];

/** Depth towards the camera, in eye distances, eyes at 0. */
function depthOf(i: number): number {
  if (i <= 16) return -0.9 + Math.sin((Math.PI * i) / 16); // ears far back, chin slightly forward
  if (i <= 26) return i === 17 || i === 26 ? -0.1 : 0.05; // brows
  if (i <= 30) return [0.1, 0.25, 0.4, NOSE_DEPTH_RATIO][i - 27]!; // bridge to tip
  if (i <= 35) return [0.25, 0.33, 0.4, 0.33, 0.25][i - 31]!; // nostrils
  if (i <= 47) return i === 36 || i === 45 ? -0.05 : 0; // eyes
  return [48, 54, 60, 64].includes(i) ? 0.15 : 0.3; // mouth
}

/** Upper and lower eyelid points, and the eye corners they close towards. */
const EYELIDS = [
  { corners: [36, 39], lids: [37, 38, 40, 41] },
  { corners: [42, 45], lids: [43, 44, 46, 47] },
];

export interface HeadPose {
  /** Degrees, positive = the subject's own left. */
  yaw?: number;
  /** Degrees, positive = chin down. */
  pitch?: number;
  /** Degrees, in the image plane. */
  roll?: number;
  /** Eye distance in pixels. */
  scale?: number;
  /** Where the eyes' midpoint lands in the image. */
  cx?: number;
  cy?: number;
  /** 1 = eyes open, 0 = shut. */
  eyesOpen?: number;
}

/** Landmarks of a head in the given pose, projected orthographically, plus optional noise. */
export function headLandmarks(
  pose: HeadPose = {},
  noise?: { sigma: number; random: () => number },
): Point[] {
  const { yaw = 0, pitch = 0, roll = 0, scale = 60, cx = 320, cy = 200, eyesOpen = 1 } = pose;
  const shape = MEAN_SHAPE.map(([x, y], i) => ({ x, y, z: depthOf(i) }));
  for (const { corners, lids } of EYELIDS) {
    const line = (shape[corners[0]!]!.y + shape[corners[1]!]!.y) / 2;
    for (const i of lids) shape[i]!.y = line + (shape[i]!.y - line) * eyesOpen;
  }
  const [cyw, syw] = trig(yaw);
  const [cp, sp] = trig(pitch);
  const [cr, sr] = trig(roll);
  return shape.map(({ x, y, z }) => {
    const x1 = x * cyw + z * syw; // turn about the vertical axis
    const z1 = -x * syw + z * cyw;
    const y2 = y * cp - z1 * sp; // nod about the horizontal axis
    const x3 = x1 * cr - y2 * sr; // tilt in the image plane
    const y3 = x1 * sr + y2 * cr;
    return {
      x: cx + scale * x3 + (noise ? gaussian(noise.random) * noise.sigma : 0),
      y: cy + scale * y3 + (noise ? gaussian(noise.random) * noise.sigma : 0),
    };
  });
}

/** A detection-like face (box around the landmarks, as the detector draws it) for the gates. */
export function syntheticFace(
  pose: HeadPose = {},
  noise?: { sigma: number; random: () => number },
): { box: { x: number; y: number; width: number; height: number }; landmarks: Point[] } {
  const landmarks = headLandmarks(pose, noise);
  const xs = landmarks.map((p) => p.x);
  const ys = landmarks.map((p) => p.y);
  const x = Math.min(...xs);
  const top = Math.min(...ys);
  const width = Math.max(...xs) - x;
  // The detector's box reaches above the brows, to the forehead.
  const y = top - 0.25 * width;
  return { box: { x, y, width, height: Math.max(...ys) - y }, landmarks };
}

function trig(degrees: number): [number, number] {
  const r = (degrees * Math.PI) / 180;
  return [Math.cos(r), Math.sin(r)];
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
