import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadScenario, scenarioSchema } from './scenario.ts';

const schemaFile = join(import.meta.dirname, 'scenario.schema.json');

describe('scenario file', () => {
  it('the committed JSON Schema is the one the simulator validates with', () => {
    const generated = z.toJSONSchema(scenarioSchema, { io: 'input' });
    if (process.env.UPDATE_SCHEMA) {
      writeFileSync(schemaFile, JSON.stringify(generated, null, 2) + '\n');
    }
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(generated);
  });

  it('the default scenario loads, and a bill naming an unknown person is refused', () => {
    const s = loadScenario();
    expect(s.patients.length).toBeGreaterThan(0);
    const broken = { ...s, bills: [{ ...s.bills[0]!, psn_no: 'NOBODY' }] };
    // A directory of its own: test-results/ exists only once Playwright has run.
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    try {
      const file = join(dir, 'broken-scenario.json');
      writeFileSync(file, JSON.stringify(broken));
      expect(() => loadScenario(file)).toThrow(/unknown psn_no NOBODY/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
