/**
 * The time of `npm test` by suite (issue 17), read from the reports the last `npm test` left in
 * test-results/ (scripts/test-all.mjs writes them) rather than by running it: the whole suite
 * takes about eight minutes of both shared cores. Per-file times are summed by top folder; Vitest
 * runs files in parallel workers, so the sum is CPU-ish time, more than the wall clock.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../face/face-engine.ts';
import { emit, round2 } from './bench-util.ts';

const vitestReport = z.object({
  startTime: z.number().optional(),
  testResults: z.array(z.object({ name: z.string(), startTime: z.number(), endTime: z.number() })),
});

type PlaywrightSuite = {
  file: string;
  specs?: { tests: { results: { duration: number }[] }[] }[];
  suites?: PlaywrightSuite[];
};
const playwrightSuite: z.ZodType<PlaywrightSuite> = z.lazy(() =>
  z.object({
    file: z.string(),
    specs: z
      .array(
        z.object({
          tests: z.array(z.object({ results: z.array(z.object({ duration: z.number() })) })),
        }),
      )
      .optional(),
    suites: z.array(playwrightSuite).optional(),
  }),
);
const playwrightReport = z.object({
  stats: z.object({
    startTime: z.string(),
    duration: z.number(),
    expected: z.number(),
    unexpected: z.number(),
    flaky: z.number(),
    skipped: z.number(),
  }),
  suites: z.array(playwrightSuite),
});

const seconds = (ms: number) => round2(ms / 1000);
const ageHours = (file: string) => round2((Date.now() - statSync(file).mtimeMs) / 3_600_000);

function addTo(totals: Map<string, number>, key: string, ms: number): void {
  totals.set(key, (totals.get(key) ?? 0) + ms);
}

const npmTestTimes = z.object({
  static_s: z.number(),
  unit_s: z.number().optional(),
  e2e_s: z.number().optional(),
  total_s: z.number(),
});

export function testTimes(results = join(projectRoot, 'test-results')): void {
  // The wall clock of the whole of `npm test` and of each suite, as scripts/test-all.mjs timed it.
  const timesFile = join(results, 'npm-test-times.json');
  if (existsSync(timesFile)) {
    const times = npmTestTimes.parse(JSON.parse(readFileSync(timesFile, 'utf8')));
    emit('npm_test_s', times.total_s, 's', undefined, {
      static_and_build_s: times.static_s,
      unit_s: times.unit_s,
      e2e_s: times.e2e_s,
      report_age_hours: ageHours(timesFile),
      note: 'read from test-results/npm-test-times.json (the last npm test), not run here; target 480 s',
    });
  }
  const unitFile = join(results, 'unit-results.json');
  if (existsSync(unitFile)) {
    const report = vitestReport.parse(JSON.parse(readFileSync(unitFile, 'utf8')));
    const byFolder = new Map<string, number>();
    for (const file of report.testResults)
      addTo(
        byFolder,
        relative(projectRoot, file.name).split('/')[0]!,
        file.endTime - file.startTime,
      );
    const wall =
      Math.max(...report.testResults.map((f) => f.endTime)) -
      Math.min(...report.testResults.map((f) => f.startTime));
    emit('npm_test_unit_s', seconds(wall), 's', undefined, {
      files: report.testResults.length,
      seconds_by_folder: Object.fromEntries([...byFolder].map(([k, v]) => [k, seconds(v)])),
      report_age_hours: ageHours(unitFile),
      note: 'read from test-results/unit-results.json (the last npm test), not run here; by-folder sums are per-file times, which overlap in parallel workers',
    });
  } else {
    emit('npm_test_unit_s', 0, 's', undefined, {
      missing: 'test-results/unit-results.json (written by npm test); nothing measured',
    });
  }
  const e2eFile = join(results, 'e2e-results.json');
  if (existsSync(e2eFile)) {
    const report = playwrightReport.parse(JSON.parse(readFileSync(e2eFile, 'utf8')));
    const bySpec = new Map<string, number>();
    const walk = (suite: PlaywrightSuite) => {
      for (const spec of suite.specs ?? [])
        for (const test of spec.tests)
          for (const result of test.results) addTo(bySpec, suite.file, result.duration);
      suite.suites?.forEach(walk);
    };
    report.suites.forEach(walk);
    const { expected, unexpected, flaky, skipped } = report.stats;
    emit('npm_test_e2e_s', seconds(report.stats.duration), 's', undefined, {
      // A run of one spec overwrites the report too: the count says whether it was the suite.
      tests: expected + unexpected + flaky + skipped,
      seconds_by_spec: Object.fromEntries([...bySpec].map(([k, v]) => [k, seconds(v)])),
      report_age_hours: ageHours(e2eFile),
      note: 'read from test-results/e2e-results.json (the last npm test), not run here',
    });
  }
}
