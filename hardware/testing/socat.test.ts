// A machine without socat: the serial tests fail at once with what to install, not after 5 s each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SOCAT_MISSING, SocatPair } from './socat.ts';

const path = process.env.PATH;
const empty = mkdtempSync(join(tmpdir(), 'kiosk-no-socat-'));
afterEach(() => {
  process.env.PATH = path;
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('SocatPair without socat installed', () => {
  it('fails at once naming socat and the apt command', async () => {
    process.env.PATH = empty; // a PATH where no socat can be found
    const started = performance.now();
    await expect(SocatPair.start()).rejects.toThrow(SOCAT_MISSING);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(SOCAT_MISSING).toContain('apt-get install -y socat');
  });
});
