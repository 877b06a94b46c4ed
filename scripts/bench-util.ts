/** What every bench section shares: medians, timing loops and the one-JSON-line-per-figure output. */

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Times two calls alternately, n times each: a ratio between them is then not skewed by the
 * machine getting busier or quieter between two separate runs.
 */
export async function timePair(
  n: number,
  a: () => unknown,
  b: () => unknown,
): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const [fn, out] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
  }
  return [ta, tb];
}

export async function timeEach(n: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** One figure, as one JSON line; with a baseline, its ratio to it. */
export function emit(
  figure: string,
  value: number,
  unit: string,
  baselineMs?: number,
  extra: object = {},
): void {
  const line: Record<string, unknown> = { figure, value: round2(value), unit, ...extra };
  if (baselineMs) line.ratio_to_baseline = round2(value / baselineMs);
  console.log(JSON.stringify(line));
}

/** The machine's load when a section starts: figures from a busy 2-core machine say so. */
export async function machineLoad(): Promise<{ loadavg_1m: number; cores: number }> {
  const { loadavg, availableParallelism } = await import('node:os');
  return { loadavg_1m: round2(loadavg()[0]!), cores: availableParallelism() };
}

/** Resident memory and the V8 heap of this process, in MB. */
export function memoryMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (bytes: number) => round2(bytes / 1024 / 1024);
  return {
    rss_mb: mb(m.rss),
    heap_used_mb: mb(m.heapUsed),
    heap_total_mb: mb(m.heapTotal),
    external_mb: mb(m.external),
    array_buffers_mb: mb(m.arrayBuffers),
  };
}
