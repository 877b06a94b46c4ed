/**
 * The order Vitest starts test files in: the slowest first, so the run does not end on one long
 * file while the other worker has nothing left. Vitest orders by the durations of its last run,
 * kept in node_modules/.vite, which a clean clone (CI) does not have: it then starts the largest
 * files first, and scripts/chaos.test.ts, small and ~15 s long, ran last and alone for 14.5 s.
 *
 * SLOWEST holds the slowest files of a clean-clone run (docs/performance.md, seventh pass). It
 * only orders: a file missing from it, renamed or new, runs as Vitest would place it.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SLOWEST = [
  'face/face-engine-pool.test.ts',
  'face/face-engine.test.ts',
  'scripts/dist-deb.test.ts',
  'face/calibrate-policy.test.ts',
  'face/evaluate.test.ts',
  'face/ssd-input-size.test.ts',
  'host/metrics.prometheus.test.ts',
  'host/payments-soak.test.ts',
  'scripts/chaos.test.ts',
  'scripts/start.metrics.test.ts',
  'host/face-gallery-sync.test.ts',
  'face/enrollment.test.ts',
];

/** Where `file` (an absolute path under `root`) stands in SLOWEST; after all of them if absent. */
export function slownessRank(root: string, file: string): number {
  const relative = file.startsWith(root) ? file.slice(root.length).replace(/^[\\/]/, '') : file;
  const rank = SLOWEST.indexOf(relative.replaceAll('\\', '/'));
  return rank === -1 ? SLOWEST.length : rank;
}

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    // Array.prototype.sort is stable: the rest keep Vitest's order.
    return [...sorted].sort(
      (a, b) => slownessRank(root, a.moduleId) - slownessRank(root, b.moduleId),
    );
  }
}
