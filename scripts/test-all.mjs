// npm test: every suite (lint, typecheck and the build side by side, then unit, e2e), then one
// summary line that totals them all: "N passed, N failed". Exits non-zero if anything failed.
// A missing system command (socat, Chromium...) is named once before anything runs
// (prerequisites.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { missingPrerequisites, prerequisitesLine } from './prerequisites.mjs';

const results = [];
mkdirSync('test-results', { recursive: true });
const started = Date.now();
const secondsSince = (t) => Math.round((Date.now() - t) / 1000);

function run(name, command, args) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  return r.status === 0;
}

function suite(name, command, args, reportFile, count) {
  rmSync(reportFile, { force: true });
  const suiteStarted = Date.now();
  const ok = run(name, command, args);
  const seconds = secondsSince(suiteStarted);
  let counts;
  try {
    counts = count(JSON.parse(readFileSync(reportFile, 'utf8')));
  } catch {
    counts = { passed: 0, failed: 1 }; // the suite did not even report: count it as one failure
  }
  if (!ok && counts.failed === 0) counts.failed = 1;
  results.push({ name, ...counts, seconds });
}

// What the machine lacks is said once, here; the tests that need it still run and fail fast.
const missing = missingPrerequisites();
const lacking = prerequisitesLine(missing);
if (lacking) console.log(`\n${lacking}`);
const noChromium = missing.some((m) => m.package === 'chromium');

/** A step run with its output held and printed whole when it ends (steps run side by side). */
function runQuiet(name, command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: process.env });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const started = Date.now();
    const done = (ok) => {
      const s = Math.round((Date.now() - started) / 1000);
      console.log(`\n=== ${name}: ${command} ${args.join(' ')} (${s} s)\n${out}`);
      resolve(ok);
    };
    child.on('error', () => done(false));
    child.on('close', (code) => done(code === 0));
  });
}

/** Steps one after another; each result kept in `into` by name. */
async function chain(steps, into) {
  for (const [name, command, args] of steps) into[name] = await runQuiet(name, command, args);
}

// The static checks and the renderer build are single-threaded or nearly: side by side on the
// 2-core CI machine. Measured with the machine shared (load 5.5): eslint, prettier and both tsc
// runs took 41 s in two chains against 104 s one after another.
const staticResults = {};
const staticStarted = Date.now();
await Promise.all([
  chain(
    [
      ['eslint', 'npx', ['eslint', '.', '--max-warnings', '0']],
      ['prettier', 'npx', ['prettier', '--check', '.']],
    ],
    staticResults,
  ),
  chain(
    [
      ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
      ['typecheck electron', 'npx', ['tsc', '-p', 'electron/tsconfig.json', '--noEmit']],
    ],
    staticResults,
  ),
  chain([['build', 'npm', ['run', '-s', 'build']]], staticResults),
]);
const staticSeconds = secondsSince(staticStarted);
for (const name of ['eslint', 'prettier', 'typecheck', 'typecheck electron', 'build']) {
  const ok = staticResults[name] === true;
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
}
suite(
  'unit',
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile=test-results/unit-results.json',
  ],
  'test-results/unit-results.json',
  (r) => ({
    passed: r.numPassedTests,
    failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0),
  }),
);
if (!existsSync('dist/renderer/index.html')) {
  results.push({ name: 'e2e', passed: 0, failed: 1 });
} else if (noChromium) {
  // Every spec would start the kiosks and then fail to launch the browser: not run, one failure.
  console.log('\n=== e2e: not run, no Chromium (see the first line)');
  results.push({ name: 'e2e (no Chromium)', passed: 0, failed: 1 });
} else {
  suite('e2e', 'npx', ['playwright', 'test'], 'test-results/e2e-results.json', (r) => ({
    passed: r.stats.expected + r.stats.flaky,
    failed: r.stats.unexpected,
  }));
}

console.log('\n=== summary');
for (const r of results)
  console.log(
    `${r.name.padEnd(20)} ${r.passed} passed, ${r.failed} failed${r.seconds === undefined ? '' : ` (${r.seconds} s)`}`,
  );
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
// Wall time by suite, for `npm run bench -- --only tests` (scripts/bench-test-times.ts).
const times = {
  static_s: staticSeconds,
  ...Object.fromEntries(
    results.filter((r) => r.seconds !== undefined).map((r) => [`${r.name}_s`, r.seconds]),
  ),
  total_s: secondsSince(started),
  finished: new Date().toISOString(),
};
writeFileSync('test-results/npm-test-times.json', JSON.stringify(times, null, 2));
console.log(
  `npm test took ${(times.total_s / 60).toFixed(1)} min: static checks and build ${staticSeconds} s side by side, then ${results
    .filter((r) => r.seconds !== undefined)
    .map((r) => `${r.name} ${r.seconds} s`)
    .join(', ')}`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
