/**
 * The face gallery: templates in one contiguous Float32Array (128 floats each) so a 1:N search
 * is a single linear pass over memory, plus the person each template belongs to. Matching
 * returns the best distance per person and decides with a threshold AND a margin: a probe
 * that is close to two people is "uncertain", never a guess.
 *
 * The search is exact on purpose. Approximate indexes (IVF, HNSW) are faster still, but can
 * miss the second-nearest person, and the margin rule is only safe if that person is found:
 * missing them turns an "ask for a second factor" into a confident match.
 */
import { CHUNK, SimdKernel } from './simd-kernel.ts';

export const DESCRIPTOR_LENGTH = 128;

export interface MatchPolicy {
  /** Accept only if the best person's distance is below this. */
  threshold: number;
  /** ... and the second-best person is at least this much further away. */
  margin: number;
}

export type MatchDecision =
  | { kind: 'match'; personId: string; distance: number; margin: number }
  | { kind: 'uncertain'; personId: string; distance: number; margin: number }
  | { kind: 'no-match'; distance: number };

export interface GalleryRaw {
  personIds: string[];
  owners: Uint32Array;
  data: Float32Array;
}

const INITIAL_CAPACITY = 1024;

/**
 * The running nearest `limit` persons of a search, as squared distances, nearest first. A
 * template can only change the answer if it is nearer than `bound` (the limit-th person).
 */
class NearestPersons {
  readonly owners: number[] = [];
  readonly squared: number[] = [];
  bound: number;

  constructor(
    private readonly limit: number,
    private readonly cap: number,
  ) {
    this.bound = cap;
  }

  offer(owner: number, sq: number): void {
    let at = this.owners.indexOf(owner);
    if (at === -1) {
      if (this.owners.length === this.limit) {
        this.owners.pop();
        this.squared.pop();
      }
      at = this.owners.length;
      this.owners.push(owner);
      this.squared.push(sq);
    } else if (sq < this.squared[at]!) {
      this.squared[at] = sq;
    } else {
      return; // this person already has a nearer template
    }
    for (; at > 0 && this.squared[at - 1]! > this.squared[at]!; at--) {
      [this.squared[at - 1], this.squared[at]] = [this.squared[at]!, this.squared[at - 1]!];
      [this.owners[at - 1], this.owners[at]] = [this.owners[at]!, this.owners[at - 1]!];
    }
    if (this.owners.length === this.limit)
      this.bound = Math.min(this.cap, this.squared[this.limit - 1]!);
  }
}

export class FaceGallery {
  /** Where WebAssembly SIMD exists, the templates live in its memory (see simd-kernel.ts). */
  private kernel: SimdKernel | undefined;
  private data: Float32Array;
  private owners: number[] = [];
  private readonly personIds: string[] = [];
  private readonly personIndex = new Map<string, number>();

  /** `simd: false` keeps the plain JavaScript search (tests compare the two). */
  constructor(options: { simd?: boolean; capacity?: number } = {}) {
    const capacity = Math.max(1, options.capacity ?? INITIAL_CAPACITY);
    this.kernel = options.simd === false ? undefined : SimdKernel.create(capacity);
    this.data = this.kernel?.templates ?? new Float32Array(capacity * DESCRIPTOR_LENGTH);
  }

  get size(): number {
    return this.owners.length;
  }

  get persons(): number {
    return this.personIds.length;
  }

  /** Whether searches run on the WebAssembly SIMD kernel. */
  get simd(): boolean {
    return this.kernel !== undefined;
  }

  add(personId: string, descriptor: Float32Array): void {
    if (descriptor.length !== DESCRIPTOR_LENGTH)
      throw new Error(`descriptor must have ${DESCRIPTOR_LENGTH} values`);
    if (!descriptor.every(Number.isFinite)) throw new Error('descriptor has a non-finite value');
    let index = this.personIndex.get(personId);
    if (index === undefined) {
      index = this.personIds.length;
      this.personIds.push(personId);
      this.personIndex.set(personId, index);
    }
    this.reserve(this.owners.length + 1);
    this.data.set(descriptor, this.owners.length * DESCRIPTOR_LENGTH);
    this.owners.push(index);
  }

  /**
   * Forgets a person and all their templates (consent withdrawn, account closed); returns how
   * many templates went. The freed memory is overwritten, not just skipped.
   */
  remove(personId: string): number {
    const index = this.personIndex.get(personId);
    if (index === undefined) return 0;
    const owners: number[] = [];
    for (let t = 0; t < this.owners.length; t++) {
      const owner = this.owners[t]!;
      if (owner === index) continue;
      this.data.copyWithin(
        owners.length * DESCRIPTOR_LENGTH,
        t * DESCRIPTOR_LENGTH,
        (t + 1) * DESCRIPTOR_LENGTH,
      );
      owners.push(owner > index ? owner - 1 : owner);
    }
    const removed = this.owners.length - owners.length;
    this.data.fill(0, owners.length * DESCRIPTOR_LENGTH, this.owners.length * DESCRIPTOR_LENGTH);
    this.owners = owners;
    this.personIds.splice(index, 1);
    this.personIndex.clear();
    this.personIds.forEach((id, i) => this.personIndex.set(id, i));
    return removed;
  }

  /** Room for `templates` templates, doubling so that n adds cost O(n) copying in all. */
  private reserve(templates: number): void {
    if (templates * DESCRIPTOR_LENGTH <= this.data.length) return;
    const capacity = Math.max(templates, (2 * this.data.length) / DESCRIPTOR_LENGTH);
    if (this.kernel?.grow(capacity)) {
      this.data = this.kernel.templates; // grown in place; only the view changed
      return;
    }
    // No kernel, or it could not grow: carry on in ordinary memory with the JavaScript search.
    this.kernel = undefined;
    const grown = new Float32Array(capacity * DESCRIPTOR_LENGTH);
    grown.set(this.data.subarray(0, this.owners.length * DESCRIPTOR_LENGTH));
    this.data = grown;
  }

  /**
   * Best (smallest) euclidean distance per person, best first, top `limit` persons, optionally
   * only those nearer than `maxDistance`. Exact.
   */
  search(
    probe: Float32Array,
    limit = 2,
    exclude?: string,
    maxDistance = Infinity,
  ): { personId: string; distance: number }[] {
    if (probe.length !== DESCRIPTOR_LENGTH)
      throw new Error(`descriptor must have ${DESCRIPTOR_LENGTH} values`);
    // A NaN distance compares false with everything and would slip past every bound.
    if (!probe.every(Number.isFinite)) throw new Error('descriptor has a non-finite value');
    if (limit < 1) return [];
    const excluded = exclude === undefined ? -1 : (this.personIndex.get(exclude) ?? -1);
    const nearest = new NearestPersons(limit, maxDistance * maxDistance);
    if (this.kernel) this.searchSimd(this.kernel, probe, excluded, nearest);
    else this.searchJs(probe, excluded, nearest);
    return nearest.owners.map((owner, i) => ({
      personId: this.personIds[owner]!,
      distance: Math.sqrt(nearest.squared[i]!),
    }));
  }

  private searchSimd(
    kernel: SimdKernel,
    probe: Float32Array,
    excluded: number,
    nearest: NearestPersons,
  ): void {
    const owners = this.owners;
    for (let start = 0; start < owners.length; start += CHUNK) {
      const count = Math.min(CHUNK, owners.length - start);
      const squared = kernel.squaredDistances(probe, start, count);
      for (let i = 0; i < count; i++) {
        const sq = squared[i]!;
        if (sq >= nearest.bound) continue;
        const owner = owners[start + i]!;
        if (owner !== excluded) nearest.offer(owner, sq);
      }
    }
  }

  /**
   * Plain JavaScript: unrolled by 16, which V8 compiles to straight-line float code, and
   * abandoned as soon as the partial sum passes the bound (strangers mostly are).
   */
  private searchJs(probe: Float32Array, excluded: number, nearest: NearestPersons): void {
    const data = this.data;
    const owners = this.owners;
    const p = probe;
    for (let t = 0, base = 0; t < owners.length; t++, base += DESCRIPTOR_LENGTH) {
      const owner = owners[t]!;
      if (owner === excluded) continue;
      const bound = nearest.bound;
      let sum = 0;
      for (let k = 0; k < DESCRIPTOR_LENGTH && sum < bound; k += 16) {
        const b = base + k;
        const d0 = data[b]! - p[k]!;
        const d1 = data[b + 1]! - p[k + 1]!;
        const d2 = data[b + 2]! - p[k + 2]!;
        const d3 = data[b + 3]! - p[k + 3]!;
        const d4 = data[b + 4]! - p[k + 4]!;
        const d5 = data[b + 5]! - p[k + 5]!;
        const d6 = data[b + 6]! - p[k + 6]!;
        const d7 = data[b + 7]! - p[k + 7]!;
        const d8 = data[b + 8]! - p[k + 8]!;
        const d9 = data[b + 9]! - p[k + 9]!;
        const d10 = data[b + 10]! - p[k + 10]!;
        const d11 = data[b + 11]! - p[k + 11]!;
        const d12 = data[b + 12]! - p[k + 12]!;
        const d13 = data[b + 13]! - p[k + 13]!;
        const d14 = data[b + 14]! - p[k + 14]!;
        const d15 = data[b + 15]! - p[k + 15]!;
        sum +=
          d0 * d0 +
          d1 * d1 +
          d2 * d2 +
          d3 * d3 +
          d4 * d4 +
          d5 * d5 +
          d6 * d6 +
          d7 * d7 +
          d8 * d8 +
          d9 * d9 +
          d10 * d10 +
          d11 * d11 +
          d12 * d12 +
          d13 * d13 +
          d14 * d14 +
          d15 * d15;
      }
      if (sum < bound) nearest.offer(owner, sum);
    }
  }

  /** 1:1: distance to one person's nearest template; undefined when they are not enrolled. */
  distanceTo(personId: string, probe: Float32Array): number | undefined {
    const index = this.personIndex.get(personId);
    if (index === undefined) return undefined;
    let best = Infinity;
    for (let t = 0; t < this.owners.length; t++) {
      if (this.owners[t] !== index) continue;
      let sum = 0;
      const base = t * DESCRIPTOR_LENGTH;
      for (let k = 0; k < DESCRIPTOR_LENGTH; k++) sum += (this.data[base + k]! - probe[k]!) ** 2;
      best = Math.min(best, sum);
    }
    return Math.sqrt(best);
  }

  /**
   * 1:1 verification (the patient keyed in their ID number): only the threshold applies, since
   * nobody else is a candidate.
   */
  verify(personId: string, probe: Float32Array, policy: MatchPolicy): MatchDecision {
    const distance = this.distanceTo(personId, probe) ?? Infinity;
    return distance < policy.threshold
      ? { kind: 'match', personId, distance, margin: Infinity }
      : { kind: 'no-match', distance };
  }

  identify(probe: Float32Array, policy: MatchPolicy, exclude?: string): MatchDecision {
    const [first, second] = this.search(probe, 2, exclude);
    if (!first || first.distance >= policy.threshold)
      return { kind: 'no-match', distance: first?.distance ?? Infinity };
    const margin = (second?.distance ?? Infinity) - first.distance;
    return margin >= policy.margin
      ? { kind: 'match', personId: first.personId, distance: first.distance, margin }
      : { kind: 'uncertain', personId: first.personId, distance: first.distance, margin };
  }

  /**
   * The gallery's raw arrays, for the encrypted store: templates back to back, the person
   * index of each template, and the person ids. `data` is a view of the gallery's own memory
   * (no copy of what may be half a gigabyte): use it before the next add().
   */
  exportRaw(): GalleryRaw {
    return {
      personIds: [...this.personIds],
      owners: Uint32Array.from(this.owners),
      data: this.data.subarray(0, this.owners.length * DESCRIPTOR_LENGTH),
    };
  }

  /** Rebuilds a gallery from exportRaw()'s arrays, checking them, since they come from disk. */
  static fromRaw(raw: GalleryRaw, options: { simd?: boolean } = {}): FaceGallery {
    const { personIds, owners, data } = raw;
    if (data.length !== owners.length * DESCRIPTOR_LENGTH)
      throw new Error('gallery data does not match its template count');
    if (new Set(personIds).size !== personIds.length) throw new Error('duplicate person ids');
    for (const owner of owners) {
      if (owner >= personIds.length) throw new Error('template owner out of range');
    }
    for (const value of data) {
      if (!Number.isFinite(value)) throw new Error('gallery holds a non-finite value');
    }
    const gallery = new FaceGallery({ ...options, capacity: Math.max(owners.length, 1) });
    gallery.data.set(data);
    gallery.owners = Array.from(owners);
    personIds.forEach((id, i) => {
      gallery.personIds.push(id);
      gallery.personIndex.set(id, i);
    });
    return gallery;
  }
}
