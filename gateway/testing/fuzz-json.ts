/**
 * Random JSON for the gateway's fuzz tests, written once for both sides of the wire (the
 * client's reading of answers, the simulator's reading of requests). Each side keeps its own odd
 * values and how often a value is replaced outright, so its seeded cases stay what they were.
 */
import type { FuzzRandom } from '../../core/testing/fuzz.ts';

export interface JsonFuzz {
  /** A value of any JSON kind, nested at most three levels deep. */
  randomValue(r: FuzzRandom, depth?: number): unknown;
  /** The same JSON with one value replaced or removed, or one key added, at any depth. */
  mutateJson(r: FuzzRandom, value: unknown): unknown;
}

/** `odd`: the edge values picked as they are; `replaceChance`: a whole value replaced. */
export function jsonFuzz(odd: readonly unknown[], replaceChance: number): JsonFuzz {
  function randomValue(r: FuzzRandom, depth = 0): unknown {
    switch (r.int(depth > 2 ? 3 : 5)) {
      case 0:
        return r.pick(odd);
      case 1:
        return r.units(r.int(30));
      case 2:
        return (r.next() - 0.5) * 10 ** r.int(12);
      case 3:
        return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
      default:
        return Object.fromEntries(
          Array.from({ length: r.int(4) }, () => [r.ascii(6), randomValue(r, depth + 1)]),
        );
    }
  }

  function mutateJson(r: FuzzRandom, value: unknown): unknown {
    if (value === null || typeof value !== 'object' || r.chance(replaceChance))
      return randomValue(r);
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0 || r.chance(0.1)) copy[r.ascii(5)] = randomValue(r);
    else {
      const key = r.pick(keys);
      copy[key] = r.chance(0.15) ? undefined : mutateJson(r, copy[key]);
    }
    return Array.isArray(value) ? Object.values(copy) : copy;
  }

  return { randomValue, mutateJson };
}
