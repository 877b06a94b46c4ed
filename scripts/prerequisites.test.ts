import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_PATHS,
  HEADLESS_SHELL_PATH,
  missingPrerequisites,
  onPath,
  prerequisitesLine,
} from './prerequisites.mjs';

const bin = mkdtempSync(join(tmpdir(), 'kiosk-prereq-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function fakeCommand(name: string, mode = 0o755): void {
  writeFileSync(join(bin, name), '#!/bin/sh\n');
  chmodSync(join(bin, name), mode);
}

describe('npm test prerequisites', () => {
  it('names each missing package, what fails without it, and the one apt command', () => {
    const missing = missingPrerequisites({ path: bin, exists: () => false });
    expect(missing.map((m) => m.package)).toEqual([
      'socat',
      'openssl',
      'chromium',
      'chromium-headless-shell',
      'prometheus',
    ]);
    const line = prerequisitesLine(missing)!;
    expect(line).toContain('socat (the serial printer and scanner tests fail');
    expect(line).toMatch(
      /Install with: sudo apt-get install -y socat openssl chromium chromium-headless-shell prometheus$/,
    );
    expect(line.split('\n')).toHaveLength(1);
  });

  it('finds executables on PATH, not plain files, and Chromium at its Debian paths', () => {
    fakeCommand('socat');
    fakeCommand('openssl', 0o644);
    expect(onPath('socat', bin)).toBe(true);
    expect(onPath('openssl', bin)).toBe(false);
    const missing = missingPrerequisites({
      path: bin,
      exists: (file: string) => file === '/usr/bin/chromium-browser',
    });
    // A full Chromium runs the e2e tests; the headless shell is still named, as they cost more.
    expect(missing.map((m) => m.package)).toEqual([
      'openssl',
      'chromium-headless-shell',
      'prometheus',
    ]);
    expect(prerequisitesLine(missing)).toContain('the e2e tests run in the full Chromium');
  });

  it('takes the headless shell alone for Chromium, and looks for it first', () => {
    expect(CHROMIUM_PATHS[0]).toBe(HEADLESS_SHELL_PATH);
    const missing = missingPrerequisites({
      path: bin,
      exists: (file: string) => file === HEADLESS_SHELL_PATH,
    });
    expect(missing.map((m) => m.package)).not.toContain('chromium');
    expect(missing.map((m) => m.package)).not.toContain('chromium-headless-shell');
  });

  it('says nothing when everything is there', () => {
    for (const command of ['socat', 'openssl', 'prometheus', 'promtool']) fakeCommand(command);
    expect(prerequisitesLine(missingPrerequisites({ path: bin, exists: () => true }))).toBe(
      undefined,
    );
  });
});
