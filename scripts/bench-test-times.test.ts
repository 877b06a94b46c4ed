import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';

describe('the reports npm test leaves for `npm run bench -- --only tests`', () => {
  it('the e2e run does not delete the unit report (Playwright empties its outputDir first)', async () => {
    const { default: config } = await import('../playwright.config.ts');
    const outputDir = resolve(projectRoot, config.outputDir ?? 'test-results');
    for (const report of ['test-results/unit-results.json', 'test-results/e2e-results.json'])
      expect(relative(outputDir, resolve(projectRoot, report)).startsWith('..'), report).toBe(true);
  });
});
