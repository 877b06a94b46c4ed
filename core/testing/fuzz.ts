/**
 * What the bounded fuzzers share: a seeded random source (mulberry32, as the image fuzzer's), a
 * few generators of hostile input, and a case runner that names the seed and the case of a
 * failure, so any failure can be replayed exactly (FUZZ_SEED=<seed> with the same count).
 */

export interface FuzzRandom {
  /** In [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Uint8Array;
  /** Any UTF-16 code units, lone surrogates and control characters included. */
  units(length: number): string;
  /** Printable ASCII. */
  ascii(length: number): string;
  digits(length: number): string;
  /** A few bytes changed, a cut, a splice or a byte run: what a broken or hostile sender makes. */
  mutate(source: Uint8Array): Uint8Array;
  /** The same, on text (by its UTF-8 bytes, so the result may not be valid UTF-8). */
  mutateText(source: string): string;
}

export function fuzzRandom(seed: number): FuzzRandom {
  let a = seed | 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const fill = (length: number, code: () => number) => {
    let out = '';
    for (let i = 0; i < length; i++) out += String.fromCharCode(code());
    return out;
  };
  const random: FuzzRandom = {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)]!,
    bytes: (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = int(256);
      return out;
    },
    units: (length) => fill(length, () => (next() < 0.3 ? int(0x20) : int(0x10000))),
    ascii: (length) => fill(length, () => 0x20 + int(0x5f)),
    digits: (length) => fill(length, () => 0x30 + int(10)),
    mutate: (source) => {
      const out = Uint8Array.from(source);
      if (out.length === 0) return random.bytes(1 + int(8));
      const at = () => int(out.length);
      switch (int(5)) {
        case 0:
          for (let i = 0, n = 1 + int(8); i < n; i++) out[at()] = int(256);
          return out;
        case 1:
          return out.subarray(0, at());
        case 2: {
          const from = at();
          out.copyWithin(at(), from, from + int(32));
          return out;
        }
        case 3: {
          const cut = at();
          const run = new Uint8Array(1 + int(64)).fill(random.pick([0, 0x22, 0x5c, 0x7b, 0xff]));
          return Uint8Array.from([...out.subarray(0, cut), ...run, ...out.subarray(cut)]);
        }
        default: {
          const from = at();
          return Uint8Array.from([...out.subarray(0, from), ...out.subarray(from + 1 + int(16))]);
        }
      }
    },
    mutateText: (source) =>
      new TextDecoder().decode(random.mutate(new TextEncoder().encode(source))),
  };
  return random;
}

/** The seed a fuzzer runs with: FUZZ_SEED when given (to replay a failure), else its own. */
export function fuzzSeed(fallback: number, fromEnvironment: string | undefined): number {
  const given = Number(fromEnvironment);
  return fromEnvironment && Number.isInteger(given) ? given : fallback;
}

/**
 * Runs `count` cases, each with the shared random source; a case that fails is rethrown naming
 * the fuzzer, the seed and the case, so it can be replayed.
 */
export async function fuzzCases(
  name: string,
  seed: number,
  count: number,
  run: (random: FuzzRandom, index: number) => void | Promise<void>,
): Promise<void> {
  const random = fuzzRandom(seed);
  for (let i = 0; i < count; i++) {
    try {
      await run(random, i);
    } catch (error) {
      throw new Error(
        `${name}: case ${i} of seed ${seed} failed (replay with FUZZ_SEED=${seed}): ${String(error)}`,
        { cause: error },
      );
    }
  }
}
