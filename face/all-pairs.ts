/**
 * Every pair of photos in a set compared once: tens of millions of comparisons for the LFW set
 * (8,900 photos give 40 million pairs), which is what a false-match rate of 1e-4 or 1e-5 needs
 * before it is a measurement rather than an extrapolation. Distances go into histograms (bins of
 * 1e-4, exact enough for a threshold) instead of an array, so memory stays small; the nearest
 * different-person pairs are kept by index, to be looked at (in LFW some are one person under two
 * names). The inner loop is the gallery's WebAssembly SIMD kernel where it exists.
 */
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { CHUNK, SimdKernel } from './simd-kernel.ts';

/** Counts of distances in bins of BIN from 0; everything past the last bin in the last one. */
export class DistanceHistogram {
  static readonly BIN = 1e-4;
  static readonly BINS = 20_001; // up to distance 2 (descriptors are unit length)
  readonly counts = new Float64Array(DistanceHistogram.BINS);
  total = 0;

  add(distance: number): void {
    const bin = Math.min(DistanceHistogram.BINS - 1, Math.floor(distance / DistanceHistogram.BIN));
    this.counts[bin]!++;
    this.total++;
  }

  /** Distances under t, counted to the bin (t is rounded down to a bin edge). */
  below(t: number): number {
    const edge = Math.min(DistanceHistogram.BINS, Math.floor(t / DistanceHistogram.BIN + 1e-9));
    let sum = 0;
    for (let i = 0; i < edge; i++) sum += this.counts[i]!;
    return sum;
  }

  rateBelow(t: number): number {
    return this.total > 0 ? this.below(t) / this.total : NaN;
  }

  /**
   * The largest bin edge t with rateBelow(t) <= rate: a threshold whose measured rate is at most
   * `rate` (conservative by up to one bin).
   */
  thresholdFor(rate: number): number {
    const allowed = rate * this.total;
    let sum = 0;
    for (let i = 0; i < DistanceHistogram.BINS; i++) {
      if (sum + this.counts[i]! > allowed) return i * DistanceHistogram.BIN;
      sum += this.counts[i]!;
    }
    return DistanceHistogram.BINS * DistanceHistogram.BIN;
  }

  /** The distance under which a share q of the values fall (to the bin). */
  quantile(q: number): number {
    const target = q * this.total;
    let sum = 0;
    for (let i = 0; i < DistanceHistogram.BINS; i++) {
      sum += this.counts[i]!;
      if (sum >= target) return (i + 1) * DistanceHistogram.BIN;
    }
    return DistanceHistogram.BINS * DistanceHistogram.BIN;
  }
}

export interface AllPairs {
  genuine: DistanceHistogram;
  impostor: DistanceHistogram;
  /** The nearest different-person pairs, nearest first (indices into the descriptors). */
  nearestImpostors: { a: number; b: number; distance: number }[];
}

/**
 * Compares every pair of descriptors once. `owners[i]` is the person of descriptor i; pairs of
 * the same person are genuine, the rest impostor.
 */
export function allPairs(
  descriptors: readonly Float32Array[],
  owners: ArrayLike<number>,
  options: { keepNearest?: number; simd?: boolean } = {},
): AllPairs {
  const n = descriptors.length;
  const genuine = new DistanceHistogram();
  const impostor = new DistanceHistogram();
  const keep = options.keepNearest ?? 20;
  const nearest: AllPairs['nearestImpostors'] = [];
  let bound = Infinity;
  const note = (a: number, b: number, d: number) => {
    if (owners[a] === owners[b]) {
      genuine.add(d);
      return;
    }
    impostor.add(d);
    if (d >= bound) return;
    nearest.push({ a, b, distance: d });
    nearest.sort((x, y) => x.distance - y.distance);
    if (nearest.length > keep) nearest.pop();
    if (nearest.length === keep) bound = nearest[keep - 1]!.distance;
  };
  const kernel = options.simd === false ? undefined : SimdKernel.create(Math.max(1, n));
  if (kernel) {
    descriptors.forEach((d, i) => kernel.templates.set(d, i * DESCRIPTOR_LENGTH));
    for (let i = 0; i < n; i++) {
      const probe = descriptors[i]!;
      for (let start = i + 1; start < n; start += CHUNK) {
        const count = Math.min(CHUNK, n - start);
        const squared = kernel.squaredDistances(probe, start, count);
        for (let k = 0; k < count; k++) note(i, start + k, Math.sqrt(squared[k]!));
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = descriptors[i]!;
      for (let j = i + 1; j < n; j++) {
        const b = descriptors[j]!;
        let sum = 0;
        for (let k = 0; k < DESCRIPTOR_LENGTH; k++) {
          const d = a[k]! - b[k]!;
          sum += d * d;
        }
        note(i, j, Math.sqrt(sum));
      }
    }
  }
  return { genuine, impostor, nearestImpostors: nearest };
}

export interface TailReport {
  genuine_pairs: number;
  impostor_pairs: number;
  /** Per target FMR: the threshold that gives it and the genuine pairs accepted there. */
  tar_at_fmr: { fmr: number; threshold: number; tar: number; impostors_under: number }[];
  /** Share of impostor pairs under each distance (how crowded the descriptor space is). */
  impostor_share_under: Record<string, number>;
  /** Share of genuine pairs at or over each distance (rejected there). */
  genuine_share_over: Record<string, number>;
  /** The distance under which each share of the impostor pairs falls. */
  impostor_quantiles: Record<string, number>;
}

export const TAIL_FMRS = [1e-3, 1e-4, 1e-5, 1e-6] as const;
export const TAIL_DISTANCES = [0.59, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3] as const;
export const IMPOSTOR_SHARES = [0.001, 0.01, 0.1, 0.4, 0.5] as const;

const round = (v: number, digits = 6) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);

export function tailReport(pairs: AllPairs): TailReport {
  const { genuine, impostor } = pairs;
  return {
    genuine_pairs: genuine.total,
    impostor_pairs: impostor.total,
    tar_at_fmr: TAIL_FMRS.filter((fmr) => fmr * impostor.total >= 1).map((fmr) => {
      const threshold = round(impostor.thresholdFor(fmr), 4);
      return {
        fmr,
        threshold,
        tar: round(genuine.rateBelow(threshold), 4),
        impostors_under: impostor.below(threshold),
      };
    }),
    impostor_share_under: Object.fromEntries(
      TAIL_DISTANCES.map((t) => [t.toFixed(2), round(impostor.rateBelow(t), 4)]),
    ),
    genuine_share_over: Object.fromEntries(
      TAIL_DISTANCES.map((t) => [t.toFixed(2), round(1 - genuine.rateBelow(t), 4)]),
    ),
    impostor_quantiles: Object.fromEntries(
      IMPOSTOR_SHARES.map((q) => [String(q), round(impostor.quantile(q), 4)]),
    ),
  };
}
