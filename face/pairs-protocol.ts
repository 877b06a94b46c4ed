/**
 * The standard LFW verification protocol (View 2) over descriptors: ten folds of same-person and
 * different-person pairs; for each fold the threshold that classifies the other nine best is
 * chosen and tested on it; the accuracy is the mean over the folds, with its standard deviation
 * (and the standard error, sd / sqrt(10), which is what LFW's results page prints after the +-).
 * Pure: the descriptors come from the cache (cli-measure.ts).
 */
import { meanAndSd } from './calibration.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';

export interface Pair {
  fold: number;
  same: boolean;
  first: string;
  second: string;
}

/** pairs.tsv: a header `fold kind first second`, then one pair per line (kind same|different). */
export function parsePairs(text: string): Pair[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const col = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`pairs file has no "${name}" column`);
    return at;
  };
  const [fold, kind, first, second] = ['fold', 'kind', 'first', 'second'].map(col) as number[];
  return lines.map((line, i) => {
    const cells = line.split('\t');
    const k = cells[kind!];
    const f = Number(cells[fold!]);
    if ((k !== 'same' && k !== 'different') || !Number.isInteger(f) || !cells[second!])
      throw new Error(`pairs file line ${i + 2} is not "fold kind first second"`);
    return { fold: f, same: k === 'same', first: cells[first!]!, second: cells[second!]! };
  });
}

export function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < DESCRIPTOR_LENGTH; k++) {
    const d = a[k]! - b[k]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

interface Scored {
  same: boolean;
  distance: number;
}

/**
 * The threshold ("same" below it) that classifies these pairs best: the midpoint of the best gap
 * between consecutive distances (ties keep the lower one, the stricter).
 */
export function bestThreshold(pairs: readonly Scored[]): number {
  const sorted = pairs.filter((p) => Number.isFinite(p.distance));
  sorted.sort((a, b) => a.distance - b.distance);
  const diffTotal = pairs.filter((p) => !p.same).length;
  // Threshold below every distance: all called "different".
  let correct = diffTotal;
  let best = correct;
  let threshold = sorted.length > 0 ? sorted[0]!.distance / 2 : 0;
  for (let i = 0; i < sorted.length; i++) {
    correct += sorted[i]!.same ? 1 : -1;
    const next = sorted[i + 1]?.distance;
    if (next !== undefined && next === sorted[i]!.distance) continue; // not a gap
    if (correct > best) {
      best = correct;
      threshold =
        next === undefined ? sorted[i]!.distance + 1e-3 : (sorted[i]!.distance + next) / 2;
    }
  }
  return threshold;
}

export interface PairsReport {
  pairs: number;
  same_pairs: number;
  different_pairs: number;
  /** Pairs in which a photo showed no face: scored as "different" (the kiosk would not accept). */
  pairs_without_face: number;
  folds: { fold: number; threshold: number; accuracy: number }[];
  accuracy_mean: number;
  accuracy_sd: number;
  accuracy_standard_error: number;
  /** The threshold chosen on all the pairs at once, for reference. */
  threshold_all: number;
  /** Share of pairs classified right at the kiosk's default 1:1 threshold. */
  accuracy_at: {
    threshold: number;
    accuracy: number;
    same_rejected: number;
    different_accepted: number;
  };
}

const round = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

/**
 * Ten-fold accuracy (or as many folds as the file has). `descriptorOf` gives a photo's subject
 * face, undefined when none was found.
 */
export function pairsProtocol(
  pairs: readonly Pair[],
  descriptorOf: (path: string) => Float32Array | undefined,
  referenceThreshold: number,
): PairsReport {
  let withoutFace = 0;
  const scored = pairs.map((p) => {
    const a = descriptorOf(p.first);
    const b = descriptorOf(p.second);
    if (!a || !b) withoutFace++;
    return { fold: p.fold, same: p.same, distance: a && b ? distance(a, b) : Infinity };
  });
  const folds = [...new Set(scored.map((s) => s.fold))].sort((a, b) => a - b);
  const perFold = folds.map((fold) => {
    const threshold = bestThreshold(scored.filter((s) => s.fold !== fold));
    const test = scored.filter((s) => s.fold === fold);
    const right = test.filter((s) => s.distance < threshold === s.same).length;
    return { fold, threshold: round(threshold), accuracy: round(right / test.length, 5) };
  });
  const { mean, sd } = meanAndSd(perFold.map((f) => f.accuracy));
  const at = referenceThreshold;
  const same = scored.filter((s) => s.same);
  const different = scored.filter((s) => !s.same);
  const sameRejected = same.filter((s) => !(s.distance < at)).length;
  const differentAccepted = different.filter((s) => s.distance < at).length;
  return {
    pairs: scored.length,
    same_pairs: same.length,
    different_pairs: different.length,
    pairs_without_face: withoutFace,
    folds: perFold,
    accuracy_mean: round(mean, 5),
    accuracy_sd: round(sd, 5),
    accuracy_standard_error: round(sd / Math.sqrt(perFold.length), 5),
    threshold_all: round(bestThreshold(scored)),
    accuracy_at: {
      threshold: at,
      accuracy: round(1 - (sameRejected + differentAccepted) / scored.length, 5),
      same_rejected: sameRejected,
      different_accepted: differentAccepted,
    },
  };
}
