/**
 * The kiosk process is killed with SIGKILL right after the gateway committed its 2207 (the answer
 * is held back), then a new kiosk starts on the same journal file: recovery must end with
 * exactly one settlement, recorded as settled.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadScenario } from './simulator/scenario.ts';
import { TestSite } from './testing/test-kiosk.ts';

const scenario = loadScenario();
const clock = { now: () => new Date() };

it('SIGKILL right after 2207 was sent: the restarted kiosk resolves it to exactly one settlement', async () => {
  const site = await TestSite.start('crash-', clock, scenario);
  const sim = site.sim;
  try {
    const sheldon = scenario.patients[0]!;
    // The gateway commits, then holds the answer: the kiosk is mid-call when it dies.
    sim.injectFault({ infno: '2207', kind: 'timeout-after-commit', latencyMs: 20_000 });
    const journalFile = site.file('journal.sqlite');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'testing', 'kiosk-payer.ts'),
        sim.url,
        journalFile,
        sheldon.certno,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 30_000;
    while (sim.store.settlements.count() === 0) {
      if (Date.now() > deadline) throw new Error('the child never reached 2207');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    sim.clearFaults();

    const journal = site.journal(journalFile);
    const open = journal.open();
    expect(open).toHaveLength(1);
    expect(open[0]!.settle_state).toBe('sent');
    const { payments } = site.kiosk({ journal, client: { timeoutMs: 3000 } });
    expect(await payments.recover()).toMatchObject({ examined: 1, settled: 1, stillOpen: 0 });
    expect(sim.store.settlements.count()).toBe(1);
    expect(journal.get(open[0]!.payment_id)?.settle_state).toBe('settled');
  } finally {
    await site.close();
  }
});
