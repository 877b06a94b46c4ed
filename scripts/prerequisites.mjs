// What `npm test` needs from the operating system, checked once before anything runs, so a
// machine without socat or Chromium is told what to install in one line instead of meeting the
// same "spawn socat ENOENT" in every test. Nothing is skipped because of it: the tests that need a
// missing command still run and fail (quickly, with the same advice), so CI cannot pass without it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Chromium's headless shell (Debian's chromium-headless-shell): the same Blink and V8 as the
 * Chromium a kiosk shows its screens in, without the desktop browser around them. The e2e suite
 * drives it first: in the full Chromium the same specs took about twice the CPU (renderer 44 s
 * against 14 s, browser process 17 s against 6 s; docs/performance.md, seventh pass).
 */
export const HEADLESS_SHELL_PATH = '/usr/bin/chromium-headless-shell';
/** Where playwright.config.ts looks for a Chromium, in that order. */
export const CHROMIUM_PATHS = [
  HEADLESS_SHELL_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
];

const PREREQUISITES = [
  {
    package: 'socat',
    commands: ['socat'],
    effect: 'the serial printer and scanner tests fail',
  },
  { package: 'openssl', commands: ['openssl'], effect: 'the gateway TLS tests fail' },
  {
    package: 'chromium',
    paths: CHROMIUM_PATHS,
    effect: 'the e2e tests cannot run',
  },
  {
    package: 'chromium-headless-shell',
    paths: [HEADLESS_SHELL_PATH],
    effect: 'the e2e tests run in the full Chromium, with about twice the CPU',
  },
  {
    package: 'prometheus',
    commands: ['prometheus', 'promtool'],
    effect: 'the monitoring tests are skipped',
  },
];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `command` is an executable file in one of PATH's folders. */
export function onPath(command, path = process.env.PATH ?? '') {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => executable(join(dir, command)));
}

/**
 * The prerequisites this machine lacks: the package to install and what happens without it. A
 * package is missing when any of its commands (or all of its fixed paths) is.
 */
export function missingPrerequisites({ path = process.env.PATH ?? '', exists = executable } = {}) {
  return PREREQUISITES.filter(
    (p) =>
      (p.commands ?? []).some((c) => !onPath(c, path)) ||
      (p.paths !== undefined && !p.paths.some((file) => exists(file))),
  ).map(({ package: name, effect }) => ({ package: name, effect }));
}

/** The one line `npm test` prints up front; undefined when nothing is missing. */
export function prerequisitesLine(missing) {
  if (missing.length === 0) return undefined;
  const what = missing.map((m) => `${m.package} (${m.effect})`).join('; ');
  return `npm test: missing ${what}. Install with: sudo apt-get install -y ${missing.map((m) => m.package).join(' ')}`;
}
