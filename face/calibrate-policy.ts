/**
 * A decision policy calibrated on a population's own photos (`face -- calibrate DIR`), for a
 * target false-positive identification rate at a gallery size. A probe is compared with every
 * enrolled person, so FPIR is about N x FMR (per comparison); the face alone may accept only at a
 * threshold where the measured FMR, taken at its 95% upper bound (the rule of three when no
 * impostor pair falls under it), times N stays under the target. With too few comparisons to
 * show that at N, the face alone is switched off at that size (maxGalleryForFaceAlone below N)
 * and everyone goes to the second factor: what the photos cannot show is not assumed.
 *
 * Pure: the comparisons come from allPairs over the population's descriptors.
 */
import type { AllPairs } from './all-pairs.ts';
import {
  comparisonsNeeded,
  DEFAULT_MARGIN,
  DEFAULT_THRESHOLD,
  upperBound95,
} from './calibration.ts';
import type { DecisionPolicy } from './decision-policy.ts';
import { LAST4_VALUES } from './second-factor.ts';

export interface CalibrateOptions {
  targetFpir: number;
  gallerySize: number;
  /** Injectable clock, for the calibratedOn record. */
  now: () => Date;
  /** What was measured: people and photos, and how the photos were looked at. */
  population: { people: number; photos: number; noFace: number };
  photoLook: string;
  modelVersion: string;
}

export interface CalibratedOn {
  date: string;
  people: number;
  photos: number;
  no_face: number;
  targetFpir: number;
  gallerySize: number;
  photoLook: string;
  modelVersion: string;
}

export interface Calibration {
  /** As a file holds it: no limit on the gallery is written null (JSON has no Infinity). */
  policy: Omit<DecisionPolicy, 'maxGalleryForFaceAlone'> & {
    maxGalleryForFaceAlone: number | null;
  };
  calibratedOn: CalibratedOn;
  evidence: {
    impostor_comparisons: number;
    genuine_comparisons: number;
    /** The per-comparison false-match rate the target asks for at this gallery size. */
    fmr_needed: number;
    comparisons_needed: number;
    /** Zero false matches in all comparisons support at most this rate (95%). */
    rule_of_three: number;
    impostors_under_accept: number;
    fmr_upper_95_at_accept: number;
    /** gallerySize x fmr_upper_95_at_accept: the FPIR the face alone is shown to keep. */
    fpir_face_alone_upper_95: number;
    face_alone_at_gallery_size: boolean;
    genuine_accepted_by_face_alone: number;
    genuine_under_second_factor_threshold: number;
    impostor_share_under_second_factor_threshold: number;
    /** A stranger typing 4 random characters with a full candidate list. */
    fpir_random_second_factor: number;
    nearest_impostor_distance: number;
    genuine_distance_q99: number;
  };
}

/** Thresholds are chosen on this grid (finer would claim a precision the data does not have). */
const STEP = 0.005;
const grid = (from: number, to: number) =>
  Array.from({ length: Math.round((to - from) / STEP) + 1 }, (_, i) =>
    Number((from + i * STEP).toFixed(3)),
  );

export function calibratePolicy(pairs: AllPairs, o: CalibrateOptions): Calibration {
  const { impostor, genuine } = pairs;
  const n = impostor.total;
  const N = Math.max(1, o.gallerySize);
  const fmrAt = (t: number) => upperBound95(impostor.below(t), n);
  const thresholds = grid(0.1, DEFAULT_THRESHOLD).reverse(); // loosest first
  const shown = thresholds.find((t) => fmrAt(t) * N <= o.targetFpir);
  // Not shown at N: the loosest threshold with no impostor under it, and face alone only up to
  // the gallery size the comparisons can support.
  const acceptThreshold =
    shown ?? thresholds.find((t) => impostor.below(t) === 0) ?? thresholds.at(-1)!;
  const fmr = fmrAt(acceptThreshold);
  const maxGalleryForFaceAlone = Math.floor(o.targetFpir / fmr);
  // Candidates: the genuine pairs' 99th percentile, between the accept threshold and the 1:1
  // threshold (1:1 decides with it too, so it is never looser than the kiosk's 1:1 rule).
  const q99 = genuine.total > 0 ? genuine.quantile(0.99) : DEFAULT_THRESHOLD;
  const secondFactorThreshold = Number(
    Math.min(DEFAULT_THRESHOLD, Math.max(acceptThreshold, Math.ceil(q99 / STEP) * STEP)).toFixed(3),
  );
  // A stranger typing 4 random characters picks one of the candidates 1 time in 11,000 each.
  const maxCandidates = Math.max(1, Math.min(5, Math.floor(o.targetFpir * LAST4_VALUES)));
  const nearest = pairs.nearestImpostors[0]?.distance ?? Infinity;
  const round = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);
  return {
    policy: {
      acceptThreshold,
      margin: DEFAULT_MARGIN,
      secondFactorThreshold,
      maxCandidates,
      maxGalleryForFaceAlone,
      framesToAgree: 2,
    },
    calibratedOn: {
      date: o.now().toISOString(),
      people: o.population.people,
      photos: o.population.photos,
      no_face: o.population.noFace,
      targetFpir: o.targetFpir,
      gallerySize: o.gallerySize,
      photoLook: o.photoLook,
      modelVersion: o.modelVersion,
    },
    evidence: {
      impostor_comparisons: n,
      genuine_comparisons: genuine.total,
      fmr_needed: round(o.targetFpir / N),
      comparisons_needed: comparisonsNeeded(o.targetFpir / N),
      rule_of_three: round(upperBound95(0, n)),
      impostors_under_accept: impostor.below(acceptThreshold),
      fmr_upper_95_at_accept: round(fmr),
      fpir_face_alone_upper_95: round(Math.min(1, fmr * N)),
      face_alone_at_gallery_size: maxGalleryForFaceAlone >= N,
      genuine_accepted_by_face_alone: round(genuine.rateBelow(acceptThreshold)),
      genuine_under_second_factor_threshold: round(genuine.rateBelow(secondFactorThreshold)),
      impostor_share_under_second_factor_threshold: round(
        impostor.rateBelow(secondFactorThreshold),
      ),
      fpir_random_second_factor: round(maxCandidates / LAST4_VALUES),
      nearest_impostor_distance: round(nearest),
      genuine_distance_q99: round(q99),
    },
  };
}
