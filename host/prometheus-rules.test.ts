/**
 * The alert rules and scrape configuration in deploy/prometheus/, checked by Debian's promtool
 * exactly as hospital IT would: the rules parse, each alert fires after its delay and not
 * before (alerts.test.yml), and the scrape configuration is valid.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';

const dir = join(projectRoot, 'deploy', 'prometheus');
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const missing = promtool.error !== undefined || promtool.status !== 0;

function run(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(missing)('Prometheus rules and configuration (promtool)', () => {
  it('promtool check rules accepts alerts.yml', () => {
    const { status, output } = run('check', 'rules', 'alerts.yml');
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(status, output).toBe(0);
  });

  it('promtool test rules passes alerts.test.yml', () => {
    const { status, output } = run('test', 'rules', 'alerts.test.yml');
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it('promtool check config accepts prometheus.yml with its rules', () => {
    const { status, output } = run('check', 'config', 'prometheus.yml');
    expect(status, output).toBe(0);
  });
});

// One line in the output when the binary is absent; CI installs it (.ci/run).
if (missing)
  describe('Prometheus rules and configuration (promtool)', () => {
    it.skip('skipped: promtool is not installed (Debian package prometheus)', () => undefined);
  });
