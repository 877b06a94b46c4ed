import { describe, expect, it } from 'vitest';
import { allPairs, DistanceHistogram, tailReport } from './all-pairs.ts';
import { DESCRIPTOR_LENGTH } from './gallery.ts';
import { seededRandom } from './liveness.ts';
import { bestThreshold, distance, type Pair, pairsProtocol, parsePairs } from './pairs-protocol.ts';

const random = seededRandom(11);
const gaussian = () =>
  Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
/** Strangers about 0.8 apart, photos of one person about 0.3 apart, as real descriptors are. */
const identity = () => Float32Array.from({ length: DESCRIPTOR_LENGTH }, () => gaussian() * 0.05);
const photoOf = (who: Float32Array) => who.map((v) => v + gaussian() * 0.02);

describe('parsePairs', () => {
  it('reads LFW pairs.tsv', () => {
    const text =
      'fold\tkind\tfirst\tsecond\n1\tsame\ta/1.jpg\ta/2.jpg\n2\tdifferent\ta/1.jpg\tb/1.jpg\n';
    expect(parsePairs(text)).toEqual([
      { fold: 1, same: true, first: 'a/1.jpg', second: 'a/2.jpg' },
      { fold: 2, same: false, first: 'a/1.jpg', second: 'b/1.jpg' },
    ]);
  });
  it('refuses a file of another shape', () => {
    expect(() => parsePairs('a\tb\n1\t2\n')).toThrow(/no "fold" column/);
    expect(() => parsePairs('fold\tkind\tfirst\tsecond\n1\tmaybe\ta\tb\n')).toThrow(/line 2/);
  });
});

describe('bestThreshold', () => {
  it('sits in the gap between same and different', () => {
    const t = bestThreshold([
      { same: true, distance: 0.3 },
      { same: true, distance: 0.4 },
      { same: false, distance: 0.6 },
      { same: false, distance: 0.9 },
    ]);
    expect(t).toBeCloseTo(0.5, 10);
  });
  it('classifies as many right as any threshold can, with overlap', () => {
    const pairs = [
      { same: true, distance: 0.3 },
      { same: false, distance: 0.35 },
      { same: true, distance: 0.4 },
      { same: true, distance: 0.5 },
      { same: false, distance: 0.55 },
      { same: false, distance: 0.7 },
    ];
    const t = bestThreshold(pairs);
    expect(t).toBeCloseTo(0.525, 10); // 5 of 6 right; nothing does better
  });
});

describe('pairsProtocol (ten folds, synthetic people)', () => {
  const people = Array.from({ length: 60 }, () => identity());
  const photos = new Map<string, Float32Array>();
  people.forEach((who, i) => {
    for (let k = 1; k <= 3; k++) photos.set(`p${i}/${k}`, photoOf(who));
  });
  const pairs: Pair[] = [];
  for (let fold = 1; fold <= 10; fold++) {
    for (let j = 0; j < 6; j++) {
      const i = (fold - 1) * 6 + j;
      pairs.push({ fold, same: true, first: `p${i}/1`, second: `p${i}/2` });
      pairs.push({ fold, same: false, first: `p${i}/1`, second: `p${(i + 7) % 60}/3` });
    }
  }

  it('separable people: every fold right, the threshold between the two groups', () => {
    const r = pairsProtocol(pairs, (p) => photos.get(p), 0.59);
    expect(r).toMatchObject({ pairs: 120, same_pairs: 60, different_pairs: 60 });
    expect(r.folds).toHaveLength(10);
    expect(r.accuracy_mean).toBe(1);
    expect(r.accuracy_sd).toBe(0);
    expect(r.threshold_all).toBeGreaterThan(0.35);
    expect(r.threshold_all).toBeLessThan(0.75);
    expect(r.accuracy_at).toMatchObject({ threshold: 0.59, accuracy: 1 });
  });

  it('a photo without a face makes its pair "different"', () => {
    const r = pairsProtocol(pairs, (p) => (p === 'p0/2' ? undefined : photos.get(p)), 0.59);
    expect(r.pairs_without_face).toBe(1);
    expect(r.folds[0]!.accuracy).toBeCloseTo(11 / 12, 4);
    expect(r.accuracy_at.same_rejected).toBe(1);
  });
});

describe('allPairs and the false-match tail', () => {
  const descriptors: Float32Array[] = [];
  const owners: number[] = [];
  for (let p = 0; p < 40; p++) {
    const who = identity();
    for (let k = 0; k < 4; k++) {
      descriptors.push(photoOf(who));
      owners.push(p);
    }
  }

  it('compares every pair once, genuine and impostor apart; SIMD and JavaScript agree', () => {
    const simd = allPairs(descriptors, owners, { keepNearest: 5 });
    const js = allPairs(descriptors, owners, { keepNearest: 5, simd: false });
    expect(simd.genuine.total).toBe(40 * 6);
    expect(simd.impostor.total).toBe((160 * 159) / 2 - 240);
    expect(js.impostor.total).toBe(simd.impostor.total);
    // Bins may differ by one where float rounding sits on an edge; the tail does not.
    expect(js.nearestImpostors.map((n) => [n.a, n.b])).toEqual(
      simd.nearestImpostors.map((n) => [n.a, n.b]),
    );
    const { a, b, distance: d } = simd.nearestImpostors[0]!;
    expect(owners[a]).not.toBe(owners[b]);
    expect(d).toBeCloseTo(distance(descriptors[a]!, descriptors[b]!), 5);
    expect(
      simd.nearestImpostors.every((n, i, all) => i === 0 || all[i - 1]!.distance <= n.distance),
    ).toBe(true);
    expect(simd.impostor.below(d)).toBe(0);
  });

  it('thresholds for a false-match rate hold it, and TAR is read there', () => {
    const h = new DistanceHistogram();
    for (let i = 0; i < 1000; i++) h.add(0.5 + i / 1000); // 0.500 .. 1.499
    expect(h.thresholdFor(0.01)).toBeCloseTo(0.51, 6); // 10 values under 0.51
    expect(h.below(0.51)).toBe(10);
    expect(h.rateBelow(0.51)).toBe(0.01);
    expect(h.quantile(0.5)).toBeCloseTo(0.999, 3); // the 500th value, to the bin
    const pairs = allPairs(descriptors, owners);
    const report = tailReport(pairs);
    expect(report.impostor_pairs).toBe(12480);
    expect(report.tar_at_fmr.map((t) => t.fmr)).toEqual([1e-3, 1e-4]); // 1e-5 needs 100,000 pairs
    for (const t of report.tar_at_fmr) expect(t.impostors_under).toBeLessThanOrEqual(t.fmr * 12480);
    expect(report.tar_at_fmr[0]!.tar).toBe(1);
    expect(report.impostor_share_under['0.59']).toBe(0);
    expect(report.genuine_share_over['0.59']).toBe(0);
    expect(report.impostor_quantiles['0.5']).toBeCloseTo(pairs.impostor.quantile(0.5), 4);
  });
});
