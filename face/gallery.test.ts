import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_LENGTH, FaceGallery } from './gallery.ts';
import { seededRandom } from './liveness.ts';
import { CHUNK } from './simd-kernel.ts';

const random = seededRandom(11);
const gaussian = () =>
  Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
const randomDescriptor = (sd = 0.05) =>
  Float32Array.from({ length: DESCRIPTOR_LENGTH }, () => gaussian() * sd);
const near = (d: Float32Array, sd = 0.02) => d.map((v) => v + gaussian() * sd);

/** The obvious O(n) answer, to hold both fast paths to. */
function bruteForce(
  entries: [string, Float32Array][],
  probe: Float32Array,
  limit: number,
  exclude?: string,
) {
  const best = new Map<string, number>();
  for (const [id, d] of entries) {
    if (id === exclude) continue;
    let sum = 0;
    for (let k = 0; k < DESCRIPTOR_LENGTH; k++) sum += (d[k]! - probe[k]!) ** 2;
    best.set(id, Math.min(best.get(id) ?? Infinity, Math.sqrt(sum)));
  }
  return [...best.entries()]
    .map(([personId, distance]) => ({ personId, distance }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit);
}

describe('FaceGallery search', () => {
  // More templates than one kernel chunk, several per person, so chunk edges and the
  // per-person minimum are both exercised.
  const entries: [string, Float32Array][] = [];
  const people = Array.from({ length: 1500 }, () => randomDescriptor());
  for (let i = 0; i < CHUNK + 1000; i++) {
    const person = i % people.length;
    entries.push([`p${person}`, near(people[person]!)]);
  }
  const simd = new FaceGallery();
  const js = new FaceGallery({ simd: false });
  for (const [id, d] of entries) {
    simd.add(id, d);
    js.add(id, d);
  }

  it('runs on the SIMD kernel here, and can be told not to', () => {
    expect(simd.simd).toBe(true);
    expect(js.simd).toBe(false);
    expect(simd.size).toBe(entries.length);
    expect(simd.persons).toBe(people.length);
  });

  it.each([1, 2, 5])('both paths give the exact top %i persons', (limit) => {
    for (let trial = 0; trial < 5; trial++) {
      const probe = trial % 2 ? near(people[trial * 97]!, 0.03) : randomDescriptor();
      const expected = bruteForce(entries, probe, limit);
      for (const gallery of [simd, js]) {
        const got = gallery.search(probe, limit);
        expect(got.map((c) => c.personId)).toEqual(expected.map((c) => c.personId));
        got.forEach((c, i) => expect(c.distance).toBeCloseTo(expected[i]!.distance, 5));
      }
    }
  });

  it('excludes a person, and caps the distance', () => {
    const probe = near(people[3]!, 0.01);
    for (const gallery of [simd, js]) {
      expect(gallery.search(probe, 1)[0]!.personId).toBe('p3');
      const without = gallery.search(probe, 2, 'p3');
      expect(without.map((c) => c.personId)).toEqual(
        bruteForce(entries, probe, 2, 'p3').map((c) => c.personId),
      );
      const capped = gallery.search(probe, 5, undefined, 0.3);
      expect(capped.every((c) => c.distance < 0.3)).toBe(true);
      expect(capped[0]!.personId).toBe('p3');
    }
  });

  it('identify decides with threshold and margin', () => {
    const g = new FaceGallery();
    const a = randomDescriptor();
    const b = near(a, 0.003); // a lookalike, about 0.03 away
    g.add('a', a);
    g.add('b', b);
    g.add('c', randomDescriptor());
    const policy = { threshold: 0.6, margin: 0.06 };
    expect(g.identify(near(a, 0.001), policy)).toMatchObject({ kind: 'uncertain', personId: 'a' });
    expect(g.identify(near(a, 0.001), policy, 'b')).toMatchObject({ kind: 'match', personId: 'a' });
    expect(g.identify(randomDescriptor(), policy).kind).toBe('no-match');
    expect(new FaceGallery().identify(a, policy)).toEqual({ kind: 'no-match', distance: Infinity });
  });

  it('verify is 1:1 against one person, with the threshold alone', () => {
    const g = new FaceGallery();
    const a = randomDescriptor();
    g.add('a', a);
    g.add('a', near(a, 0.05));
    g.add('b', near(a, 0.01));
    const policy = { threshold: 0.3, margin: 0.5 };
    expect(g.verify('a', near(a, 0.005), policy)).toMatchObject({ kind: 'match', personId: 'a' });
    expect(g.verify('a', randomDescriptor(), policy).kind).toBe('no-match');
    expect(g.verify('nobody', a, policy)).toEqual({ kind: 'no-match', distance: Infinity });
    expect(g.distanceTo('a', a)).toBe(0);
  });

  it('removes a person completely, and the others stay findable', () => {
    const g = new FaceGallery();
    const [a, b, c] = [randomDescriptor(), randomDescriptor(), randomDescriptor()];
    g.add('a', a);
    g.add('b', b);
    g.add('a', near(a));
    g.add('c', c);
    expect(g.remove('a')).toBe(2);
    expect(g.remove('a')).toBe(0);
    expect([g.size, g.persons]).toEqual([2, 2]);
    expect(
      g
        .search(a, 5)
        .map((x) => x.personId)
        .sort(),
    ).toEqual(['b', 'c']);
    expect(g.search(c, 1)[0]).toEqual({ personId: 'c', distance: 0 });
    expect(g.exportRaw().personIds).toEqual(['b', 'c']);
    g.add('a', a);
    expect(g.search(a, 1)[0]).toEqual({ personId: 'a', distance: 0 });
  });

  it('refuses descriptors of the wrong length or with NaN', () => {
    const g = new FaceGallery();
    expect(() => g.add('x', new Float32Array(3))).toThrow(/128/);
    const bad = randomDescriptor();
    bad[5] = NaN;
    expect(() => g.add('x', bad)).toThrow(/non-finite/);
    expect(() => g.search(bad)).toThrow(/non-finite/);
    expect(() => g.search(new Float32Array(3))).toThrow(/128/);
  });

  it('grows past its first capacity on both paths, keeping earlier templates', () => {
    for (const options of [{ capacity: 2 }, { capacity: 2, simd: false }]) {
      const g = new FaceGallery(options);
      const ds = Array.from({ length: 50 }, () => randomDescriptor());
      ds.forEach((d, i) => g.add(`p${i}`, d));
      ds.forEach((d, i) => expect(g.search(d, 1)[0]).toEqual({ personId: `p${i}`, distance: 0 }));
    }
  });

  it('exports and re-imports its raw arrays, and checks them on import', () => {
    const raw = simd.exportRaw();
    expect(raw.data.length).toBe(entries.length * DESCRIPTOR_LENGTH);
    const copy = FaceGallery.fromRaw({ ...raw, data: raw.data.slice() });
    const probe = randomDescriptor();
    expect(copy.search(probe, 3)).toEqual(simd.search(probe, 3));
    expect(() => FaceGallery.fromRaw({ ...raw, data: raw.data.subarray(1) })).toThrow();
    expect(() =>
      FaceGallery.fromRaw({ ...raw, owners: raw.owners.map(() => raw.personIds.length) }),
    ).toThrow(/out of range/);
    expect(() =>
      FaceGallery.fromRaw({ ...raw, personIds: raw.personIds.map(() => 'same') }),
    ).toThrow(/duplicate/);
  });
});
