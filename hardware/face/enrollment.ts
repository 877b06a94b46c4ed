/**
 * Enrollment: a person's template is built from several images, one descriptor each. Images
 * that show no face, or several, are refused; so is a set whose images disagree with each
 * other (most likely photos of two different people), because one wrong template would let a
 * stranger pay with someone else's account.
 */
import { readFile } from 'node:fs/promises';
import type { FaceEngine } from './face-engine.ts';
import { DESCRIPTOR_LENGTH, type FaceGallery } from './gallery.ts';
import { decodeImage, type Frame } from './image.ts';

export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';
  constructor(
    readonly code: 'no-face' | 'several-faces' | 'inconsistent' | 'no-images',
    message: string,
  ) {
    super(message);
  }
}

/** Images of one person further apart than this are not the same person. */
export const ENROLLMENT_CONSISTENCY = 0.6;

export function euclidean(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < DESCRIPTOR_LENGTH; k++) {
    const d = a[k]! - b[k]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export async function descriptorsOf(
  engine: Pick<FaceEngine, 'detectAll'>,
  frames: Frame[],
): Promise<Float32Array[]> {
  if (frames.length === 0)
    throw new EnrollmentError('no-images', 'enrollment needs at least one image');
  const out: Float32Array[] = [];
  // All images at once: a worker pool analyses them side by side.
  const found = await Promise.all(frames.map((frame) => engine.detectAll(frame)));
  for (const [i, faces] of found.entries()) {
    if (faces.length === 0) throw new EnrollmentError('no-face', `image ${i + 1} shows no face`);
    const [largest, second] = faces;
    // A second face is tolerated only when it is clearly in the background.
    if (
      second &&
      second.box.width * second.box.height > 0.5 * largest!.box.width * largest!.box.height
    ) {
      throw new EnrollmentError('several-faces', `image ${i + 1} shows more than one face`);
    }
    out.push(largest!.descriptor);
  }
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length; j++) {
      if (euclidean(out[i]!, out[j]!) > ENROLLMENT_CONSISTENCY) {
        throw new EnrollmentError(
          'inconsistent',
          `images ${i + 1} and ${j + 1} do not look like the same person`,
        );
      }
    }
  }
  return out;
}

export async function enrollFiles(
  engine: Pick<FaceEngine, 'detectAll'>,
  gallery: FaceGallery,
  personId: string,
  paths: string[],
): Promise<void> {
  const frames = await Promise.all(paths.map(async (p) => decodeImage(await readFile(p))));
  for (const descriptor of await descriptorsOf(engine, frames)) gallery.add(personId, descriptor);
}
