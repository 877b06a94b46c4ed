/**
 * Enrollment: a person's templates are built from several photos, one descriptor each, kept as a
 * template set (the gallery searches per person, the nearest of their templates deciding). Each
 * photo passes a quality gate first: the live camera's gates that make sense for a photo (one
 * face, enough pixels, light, pose, sharpness; not framing, since enrolment photos are often
 * tight crops). A poor photo is left out and the rest kept; a set left with none is refused. A
 * set whose photos disagree with each other (most likely photos of two different people) is
 * refused whole, because one wrong template would let a stranger pay with someone's account.
 */
import { readFile } from 'node:fs/promises';
import type { FaceEngine } from './face-engine.ts';
import { DESCRIPTOR_LENGTH, type FaceGallery } from './gallery.ts';
import { decodeImage, type Frame } from '../hardware/camera/image.ts';
import {
  assessQuality,
  type QualityMetrics,
  type QualityReason,
  type QualityThresholds,
} from './quality.ts';

export type EnrollmentErrorCode =
  'no-face' | 'several-faces' | 'poor-quality' | 'inconsistent' | 'no-images';

export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';
  constructor(
    readonly code: EnrollmentErrorCode,
    message: string,
    /** What each photo was found to be, when the photos were looked at. */
    readonly verdicts: PhotoVerdict[] = [],
  ) {
    super(message);
  }
}

/** Images of one person further apart than this are not the same person. */
export const ENROLLMENT_CONSISTENCY = 0.6;

/** At most this many templates per person: more adds search time and little else. */
export const MAX_TEMPLATES = 5;

/**
 * The camera's gates as they apply to a photo: the face's share of the photo is not judged (a
 * tight crop is fine), its box may reach a little past the edge (the fixtures' reach 0.21), a
 * second face is judged by the rule below; light, pose, size in pixels and sharpness are the
 * camera's. All 40 fixture photos pass (docs/face.md "Enrolment").
 */
export const ENROLLMENT_QUALITY: Partial<QualityThresholds> = {
  maxOtherFaceRatio: Infinity,
  minFaceWidthRatio: 0,
  maxFaceSizeRatio: Infinity,
  maxOutsideRatio: 0.35,
};

export type PhotoVerdict = {
  index: number;
  reason: QualityReason | 'several-faces';
  metrics?: QualityMetrics;
};

export interface TemplateSet {
  /** The templates kept, in photo order. */
  descriptors: Float32Array[];
  /** Every photo's verdict, 'ok' for those kept. */
  verdicts: PhotoVerdict[];
}

export function euclidean(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < DESCRIPTOR_LENGTH; k++) {
    const d = a[k]! - b[k]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/**
 * A person's template set from their photos: each gated, the good ones kept (up to
 * MAX_TEMPLATES), checked to agree with each other.
 */
export async function templateSet(
  engine: Pick<FaceEngine, 'detectAll'>,
  frames: Frame[],
  quality: Partial<QualityThresholds> = ENROLLMENT_QUALITY,
): Promise<TemplateSet> {
  if (frames.length === 0)
    throw new EnrollmentError('no-images', 'enrollment needs at least one image');
  // All images at once: a worker pool analyses them side by side.
  const found = await Promise.all(frames.map((frame) => engine.detectAll(frame)));
  const verdicts: PhotoVerdict[] = [];
  const kept: { index: number; descriptor: Float32Array }[] = [];
  for (const [index, faces] of found.entries()) {
    const [largest, second] = faces;
    // A second face is tolerated only when it is clearly in the background.
    if (
      largest &&
      second &&
      second.box.width * second.box.height > 0.5 * largest.box.width * largest.box.height
    ) {
      verdicts.push({ index, reason: 'several-faces' });
      continue;
    }
    const report = assessQuality(frames[index]!, largest ? [largest] : [], quality);
    verdicts.push({
      index,
      reason: report.reason,
      ...(report.metrics && { metrics: report.metrics }),
    });
    if (report.reason === 'ok' && largest && kept.length < MAX_TEMPLATES)
      kept.push({ index, descriptor: largest.descriptor });
  }
  if (kept.length === 0) {
    const reasons = new Set(verdicts.map((v) => v.reason));
    const only = reasons.size === 1 ? [...reasons][0] : undefined;
    const code = only === 'no-face' || only === 'several-faces' ? only : 'poor-quality';
    throw new EnrollmentError(
      code,
      `no usable photo: ${verdicts.map((v) => `image ${v.index + 1} ${v.reason}`).join(', ')}`,
      verdicts,
    );
  }
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      if (euclidean(kept[i]!.descriptor, kept[j]!.descriptor) > ENROLLMENT_CONSISTENCY) {
        throw new EnrollmentError(
          'inconsistent',
          `images ${kept[i]!.index + 1} and ${kept[j]!.index + 1} do not look like the same person`,
          verdicts,
        );
      }
    }
  }
  return { descriptors: kept.map((k) => k.descriptor), verdicts };
}

/** The templates of one person's photos (templateSet's descriptors). */
export async function descriptorsOf(
  engine: Pick<FaceEngine, 'detectAll'>,
  frames: Frame[],
): Promise<Float32Array[]> {
  return (await templateSet(engine, frames)).descriptors;
}

/**
 * Adds a person's template set to the gallery from photo files. The person's templates already
 * in the gallery are replaced, so a re-enrolment never mixes old and new sets.
 */
export async function enrollFiles(
  engine: Pick<FaceEngine, 'detectAll'>,
  gallery: FaceGallery,
  personId: string,
  paths: string[],
): Promise<TemplateSet> {
  return enrollPhotos(engine, gallery, personId, await Promise.all(paths.map((p) => readFile(p))));
}

/** The same, from the photos' bytes (a sealed photo store opens them in memory only). */
export async function enrollPhotos(
  engine: Pick<FaceEngine, 'detectAll'>,
  gallery: FaceGallery,
  personId: string,
  photos: Buffer[],
): Promise<TemplateSet> {
  const frames = photos.map((bytes) => decodeImage(bytes));
  const set = await templateSet(engine, frames);
  gallery.remove(personId);
  for (const descriptor of set.descriptors) gallery.add(personId, descriptor);
  return set;
}
