/**
 * `npm run dist` (Electron packages for Linux and Windows) cannot run here: electron-builder
 * downloads the Electron binary and the NSIS tools, and this machine reaches no GitHub. What can
 * be proven here: electron-builder itself (the dev dependency, the version the packages are
 * built with) accepts electron-builder.yml against its own schema, and the script asks it for
 * the targets hospital IT installs (AppImage and deb on Linux, NSIS on Windows). The fuses and
 * asar settings are checked in electron/packaging.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url);

it('electron-builder accepts electron-builder.yml by its own schema; it refuses a wrong one', async () => {
  // electron-builder's own loader and validator, not a copy of its rules.
  const { load } = require('js-yaml') as { load(text: string): unknown };
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (on: boolean) => unknown };
  const config = load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as Record<
    string,
    unknown
  >;
  await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  await expect(
    validateConfiguration(
      { ...config, linux: { target: ['AppImage'], sandbox: 1 } },
      new DebugLogger(false),
    ),
  ).rejects.toThrow(/configuration\.linux/);
});

it('npm run dist builds the renderer, then AppImage and deb for Linux and NSIS for Windows', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    scripts: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
  expect(pkg.scripts.dist).toMatch(/^npm run -s build && electron-builder /);
  expect(pkg.scripts.dist).toContain('--linux AppImage deb');
  expect(pkg.scripts.dist).toContain('--win nsis');
});
