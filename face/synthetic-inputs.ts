/**
 * Test stand-ins for the face identifier's inputs: a frame the pixel gates pass, and seeded
 * random descriptors around which synthetic people are drawn. Used only by tests.
 */
import type { Frame } from '../hardware/camera/image.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { seededRandom } from './liveness.ts';

/** A lit, textured 640x480 frame: the gates' pixel measures pass on it. */
export function texturedFrame(): Frame {
  const width = 640;
  const height = 480;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++)
    data.fill((i * 37) % 97 < 40 ? 160 : 110, i * 3, i * 3 + 3);
  return { width, height, data };
}

/** One seeded stream: uniform and normal noise, and descriptors of made-up people from it. */
export function syntheticDescriptors(seed: number): {
  random: () => number;
  gaussian: () => number;
  identity: () => Float32Array;
} {
  const random = seededRandom(seed);
  const gaussian = () =>
    Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const identity = () => Float32Array.from({ length: DESCRIPTOR_LENGTH }, () => gaussian() * 0.05);
  return { random, gaussian, identity };
}
