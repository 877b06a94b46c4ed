import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';

describe('the reports npm test leaves for `npm run bench -- --only tests`', () => {
  it('the e2e run does not delete the unit report (Playwright empties its outputDir first)', async () => {
    const { default: config } = await import('../playwright.config.ts');
    const outputDir = resolve(projectRoot, config.outputDir ?? 'test-results');
    for (const report of ['test-results/unit-results.json', 'test-results/e2e-results.json'])
      expect(relative(outputDir, resolve(projectRoot, report)).startsWith('..'), report).toBe(true);
  });

  it('reads the wall clock npm test kept, whole and by suite', async () => {
    const { testTimes } = await import('./bench-test-times.ts');
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-test-times-'));
    try {
      const times = { static_s: 44, unit_s: 215, e2e_s: 205, total_s: 466, finished: 'now' };
      writeFileSync(join(dir, 'npm-test-times.json'), JSON.stringify(times));
      const lines: string[] = [];
      const log = vi
        .spyOn(console, 'log')
        .mockImplementation((line: string) => void lines.push(line));
      try {
        testTimes(dir);
      } finally {
        log.mockRestore();
      }
      const figures = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(figures.find((f) => f.figure === 'npm_test_s')).toMatchObject({
        value: 466,
        static_and_build_s: 44,
        unit_s: 215,
        e2e_s: 205,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
