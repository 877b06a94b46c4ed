/**
 * The bench's and the soak test's world (drivenScenario) is one `npm start -- --scenario FILE`
 * accepts: the bench starts real kiosks on it (scripts/bench-ready.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadScenario } from '../../gateway/simulator/scenario.ts';
import { drivenScenario } from './kiosk-payments.ts';

it('the driven scenario loads from a file as the kiosk loads it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driven-scenario-'));
  try {
    for (const faces of [true, false]) {
      const file = join(dir, `scenario-${faces}.json`);
      writeFileSync(file, JSON.stringify(drivenScenario({ faces, emptyAccounts: [] })));
      const loaded = loadScenario(file);
      expect(loaded.bills).toEqual([]);
      expect(loaded.patients.length).toBeGreaterThan(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
