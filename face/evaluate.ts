/**
 * The evaluation protocol behind `face evaluate DIR` and the calibrated defaults: one photo
 * enrolled per person, every other photo a genuine probe (1:N against everyone) and also an
 * impostor probe (against everyone but its own person), plus any strangers' faces as impostor
 * probes against everyone. Each probe is decided by the decision policy (decision-policy.ts); a
 * probe sent to the second factor types the last 4 characters of its own (simulated) ID number,
 * as the patient would. Pure over descriptors; loading photos and running the detector is
 * loadEvaluationSet's job.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  comparisonsNeeded,
  gaussianFmr,
  gaussianThresholdFor,
  TARGET_FMR,
  upperBound95,
} from './calibration.ts';
import {
  type Decision,
  type DecisionPolicy,
  decide,
  fromMatchPolicy,
  searchLimit,
} from './decision-policy.ts';
import type { FaceEngine } from './face-engine.ts';
import { FaceGallery, type MatchPolicy } from './gallery.ts';
import { decodeImage } from '../hardware/camera/image.ts';
import { seededRandom } from './liveness.ts';
import { secondFactorPick, simulatedIdNumber } from './second-factor.ts';

export interface EvaluationPhoto {
  file: string;
  /** Every face found, largest first; empty when the detector found none. */
  descriptors: Float32Array[];
}

export interface EvaluationSet {
  persons: { id: string; photos: EvaluationPhoto[] }[];
  strangers: EvaluationPhoto[];
}

export interface EvaluationReport {
  /** Persons enrolled (those whose first photo showed a face). */
  persons: number;
  genuine_probes: number;
  /** Accepted by face alone as the right person. */
  rank1_correct: number;
  /** Rejected: nobody under the second-factor threshold. */
  false_non_match: number;
  /** Not decisive for the face alone: the kiosk asks for the second factor. */
  uncertain: number;
  /** Of those, identified by the last 4 characters of their own ID number. */
  second_factor_ok: number;
  /** Accepted as somebody else, by face alone or by the second factor. */
  wrong_person: number;
  impostor_probes: number;
  /** Impostor probes accepted as anyone by face alone. */
  false_match: number;
  /** Impostor probes that would have been asked for a second factor. */
  impostor_uncertain: number;
  /** Of those, accepted as someone by the last 4 characters of their own ID number. */
  false_match_after_second_factor: number;
  /** Photos (person or stranger) in which the detector found no face. */
  no_face: number;
  /** The policy's accept threshold and margin (the face-alone rule). */
  threshold: number;
  margin: number;
  policy: Omit<DecisionPolicy, 'maxGalleryForFaceAlone'> & {
    maxGalleryForFaceAlone: number | null;
  };
  /** Largest distance of a genuine probe to its own enrolled template. */
  genuine_distance_max: number;
  /** Smallest gap between a genuine probe's own person and the next person. */
  genuine_margin_min: number;
  /** Smallest distance of any impostor probe to any enrolled person not its own. */
  impostor_distance_min: number;
  /** Impostor probe x enrolled person pairs; the denominator of a per-comparison FMR. */
  impostor_comparisons: number;
  impostor_comparisons_below_threshold: number;
  /** 95% upper bound on the per-comparison FMR these comparisons support. */
  fmr_upper_95: number;
  target_fmr: number;
  /** Comparisons needed, with no false match, to support the target by the rule of three. */
  comparisons_needed_for_target: number;
  /** Normal fit to impostor distances: FMR at the threshold, and threshold for the target. */
  fmr_gaussian_estimate: number;
  threshold_for_target_gaussian: number;
  not_enrolled: string[];
}

const round = (value: number, digits = 4) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value;

export function evaluateSet(
  set: EvaluationSet,
  decisionPolicy: DecisionPolicy | MatchPolicy,
  targetFmr = TARGET_FMR,
): EvaluationReport {
  const policy = 'threshold' in decisionPolicy ? fromMatchPolicy(decisionPolicy) : decisionPolicy;
  const gallery = new FaceGallery();
  const random = seededRandom(1);
  const idNumbers = new Map<string, string>();
  const idOf = (person: string) => {
    let id = idNumbers.get(person);
    if (!id) idNumbers.set(person, (id = simulatedIdNumber(random)));
    return id;
  };
  const genuine: { person: string; descriptor: Float32Array }[] = [];
  const strangers: Float32Array[] = [];
  const notEnrolled: string[] = [];
  let noFace = 0;
  for (const { id, photos } of set.persons) {
    const [enrolment, ...probes] = photos;
    const enrolled = enrolment?.descriptors[0];
    if (enrolment && !enrolled) noFace++;
    if (enrolled) gallery.add(id, enrolled);
    else notEnrolled.push(id);
    for (const photo of probes) {
      const descriptor = photo.descriptors[0];
      if (!descriptor) noFace++;
      // A person who could not be enrolled is, to the gallery, a stranger.
      else if (enrolled) genuine.push({ person: id, descriptor });
      else strangers.push(descriptor);
    }
  }
  for (const photo of set.strangers) {
    if (photo.descriptors.length === 0) noFace++;
    strangers.push(...photo.descriptors);
  }

  const r = {
    rank1_correct: 0,
    false_non_match: 0,
    uncertain: 0,
    second_factor_ok: 0,
    wrong_person: 0,
    false_match: 0,
    impostor_uncertain: 0,
    false_match_after_second_factor: 0,
  };
  const limit = searchLimit(policy);
  const decideFor = (descriptor: Float32Array, exclude?: string): Decision =>
    decide(gallery.search(descriptor, limit, exclude), gallery.persons, policy);
  /** Who the second factor picks when this probe types its own last 4 characters. */
  const typed = (decision: Decision, own: string) =>
    decision.kind === 'second-factor'
      ? secondFactorPick(
          decision.candidates.map((c) => idOf(c.personId)),
          idOf(own).slice(-4),
        )
      : undefined;
  const impostor = (decision: Decision, own: string) => {
    if (decision.kind === 'accept') r.false_match++;
    else if (decision.kind === 'second-factor') {
      r.impostor_uncertain++;
      if (typed(decision, own) !== undefined) r.false_match_after_second_factor++;
    }
  };
  let genuineMax = 0;
  let genuineMarginMin = Infinity;
  const impostorDistances: number[] = [];
  const everyone = gallery.persons;
  for (const { person, descriptor } of genuine) {
    const decision = decideFor(descriptor);
    if (decision.kind === 'accept') {
      if (decision.personId === person) r.rank1_correct++;
      else r.wrong_person++;
    } else if (decision.kind === 'second-factor') {
      r.uncertain++;
      const picked = typed(decision, person);
      if (picked === idOf(person)) r.second_factor_ok++;
      else if (picked !== undefined) r.wrong_person++;
    } else r.false_non_match++;

    const ranked = gallery.search(descriptor, everyone);
    const own = ranked.find((c) => c.personId === person)!.distance;
    const nearestOther = ranked.find((c) => c.personId !== person)?.distance ?? Infinity;
    genuineMax = Math.max(genuineMax, own);
    genuineMarginMin = Math.min(genuineMarginMin, nearestOther - own);
    for (const c of ranked) if (c.personId !== person) impostorDistances.push(c.distance);

    impostor(decideFor(descriptor, person), person);
  }
  strangers.forEach((descriptor, i) => {
    impostor(decideFor(descriptor), `_stranger${i}`);
    for (const c of gallery.search(descriptor, everyone)) impostorDistances.push(c.distance);
  });

  const threshold = policy.acceptThreshold;
  const below = impostorDistances.filter((d) => d < threshold).length;
  return {
    persons: gallery.persons,
    genuine_probes: genuine.length,
    ...r,
    impostor_probes: genuine.length + strangers.length,
    no_face: noFace,
    threshold,
    margin: policy.margin,
    policy: {
      ...policy,
      maxGalleryForFaceAlone: Number.isFinite(policy.maxGalleryForFaceAlone)
        ? policy.maxGalleryForFaceAlone
        : null,
    },
    genuine_distance_max: round(genuineMax),
    genuine_margin_min: round(genuineMarginMin),
    impostor_distance_min: round(impostorDistances.reduce((m, d) => Math.min(m, d), Infinity)),
    impostor_comparisons: impostorDistances.length,
    impostor_comparisons_below_threshold: below,
    fmr_upper_95: round(upperBound95(below, impostorDistances.length), 6),
    target_fmr: targetFmr,
    comparisons_needed_for_target: comparisonsNeeded(targetFmr),
    fmr_gaussian_estimate: round(gaussianFmr(impostorDistances, threshold), 8),
    threshold_for_target_gaussian: round(gaussianThresholdFor(impostorDistances, targetFmr)),
    not_enrolled: notEnrolled,
  };
}

const IMAGE = /\.(png|jpe?g)$/i;
const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * Reads DIR: one folder per person (photos sorted by name, numbers in numeric order),
 * `_strangers/` for people who are not enrolled, other `_` folders and other files ignored.
 */
export async function loadEvaluationSet(
  dir: string,
  engine: Pick<FaceEngine, 'detectAll'>,
  log: (line: string) => void = () => undefined,
): Promise<EvaluationSet> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  const photosIn = async (folder: string): Promise<EvaluationPhoto[]> => {
    const files = (await readdir(join(dir, folder), { withFileTypes: true }))
      .filter((e) => e.isFile() && IMAGE.test(e.name))
      .map((e) => e.name)
      .sort(byName);
    // A person's photos at once: a worker pool analyses them side by side.
    const photos: EvaluationPhoto[] = await Promise.all(
      files.map(async (file) => {
        const faces = await engine.detectAll(decodeImage(await readFile(join(dir, folder, file))));
        return { file: `${folder}/${file}`, descriptors: faces.map((f) => f.descriptor) };
      }),
    );
    log(
      `${folder}: ${files.length} photos, ${photos.filter((p) => p.descriptors.length).length} with a face`,
    );
    return photos;
  };
  const persons: EvaluationSet['persons'] = [];
  for (const name of entries
    .map((e) => e.name)
    .filter((n) => !n.startsWith('_'))
    .sort(byName))
    persons.push({ id: name, photos: await photosIn(name) });
  const strangers = entries.some((e) => e.name === '_strangers')
    ? await photosIn('_strangers')
    : [];
  return { persons, strangers };
}
