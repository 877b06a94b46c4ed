import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';
import { SLOWEST, slownessRank } from './slow-first-sequencer.ts';

describe('the slowest test files start first', () => {
  it('names files that exist, each once', () => {
    for (const file of SLOWEST) expect(existsSync(join(projectRoot, file)), file).toBe(true);
    expect(new Set(SLOWEST).size).toBe(SLOWEST.length);
  });

  it('ranks by the list, and anything else after it', () => {
    const root = '/repo';
    expect(slownessRank(root, '/repo/face/face-engine-pool.test.ts')).toBe(0);
    expect(slownessRank(root, '/repo/scripts/chaos.test.ts')).toBe(
      SLOWEST.indexOf('scripts/chaos.test.ts'),
    );
    expect(slownessRank(root, '/repo/core/money.test.ts')).toBe(SLOWEST.length);
    expect(slownessRank('C:\\repo', 'C:\\repo\\face\\face-engine.test.ts')).toBe(1);
  });
});
