/**
 * The face gallery: templates in one contiguous Float32Array (128 floats each) so a 1:N search
 * is a single linear pass over memory, plus the person each template belongs to. Matching
 * returns the best distance per person and decides with a threshold AND a margin: a probe
 * that is close to two people is "uncertain", never a guess.
 */
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

export class FaceGallery {
  private data = new Float32Array(1024 * DESCRIPTOR_LENGTH);
  private owners: number[] = [];
  private readonly personIds: string[] = [];
  private readonly personIndex = new Map<string, number>();

  get size(): number {
    return this.owners.length;
  }

  get persons(): number {
    return this.personIds.length;
  }

  add(personId: string, descriptor: Float32Array): void {
    if (descriptor.length !== DESCRIPTOR_LENGTH)
      throw new Error(`descriptor must have ${DESCRIPTOR_LENGTH} values`);
    let index = this.personIndex.get(personId);
    if (index === undefined) {
      index = this.personIds.length;
      this.personIds.push(personId);
      this.personIndex.set(personId, index);
    }
    if ((this.owners.length + 1) * DESCRIPTOR_LENGTH > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(descriptor, this.owners.length * DESCRIPTOR_LENGTH);
    this.owners.push(index);
  }

  /** Best (smallest) euclidean distance per person, best first, top `limit`. */
  search(
    probe: Float32Array,
    limit = 2,
    exclude?: string,
  ): { personId: string; distance: number }[] {
    const best = new Float64Array(this.personIds.length).fill(Infinity);
    const excluded = exclude === undefined ? -1 : (this.personIndex.get(exclude) ?? -1);
    const data = this.data;
    for (let t = 0; t < this.owners.length; t++) {
      const owner = this.owners[t]!;
      if (owner === excluded) continue;
      let sum = 0;
      const base = t * DESCRIPTOR_LENGTH;
      for (let k = 0; k < DESCRIPTOR_LENGTH; k++) {
        const d = data[base + k]! - probe[k]!;
        sum += d * d;
      }
      if (sum < best[owner]!) best[owner] = sum;
    }
    const ranked: { personId: string; distance: number }[] = [];
    for (let p = 0; p < best.length; p++) {
      if (best[p]! === Infinity) continue;
      ranked.push({ personId: this.personIds[p]!, distance: Math.sqrt(best[p]!) });
    }
    ranked.sort((a, b) => a.distance - b.distance);
    return ranked.slice(0, limit);
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
}
