/**
 * The kiosk process is killed with SIGKILL right after the gateway committed its 2207 (the answer
 * is held back), then a new kiosk starts on the same journal file: recovery must end with
 * exactly one settlement, recorded as settled.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startTestGateway, testClientOptions } from './testing/test-client.ts';
import { GatewayClient } from './client.ts';
import { PaymentJournal } from './journal.ts';
import { PaymentCoordinator } from './payments.ts';
import { loadScenario } from './simulator/scenario.ts';

const scenario = loadScenario();
const clock = { now: () => new Date() };
const dir = mkdtempSync(join(tmpdir(), 'crash-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('SIGKILL right after 2207 was sent: the restarted kiosk resolves it to exactly one settlement', async () => {
  const sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario);
  try {
    const sheldon = scenario.patients[0]!;
    // The gateway commits, then holds the answer: the kiosk is mid-call when it dies.
    sim.injectFault({ infno: '2207', kind: 'timeout-after-commit', latencyMs: 20_000 });
    const journalFile = join(dir, 'journal.sqlite');
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

    const journal = new PaymentJournal(journalFile, clock.now);
    const open = journal.open();
    expect(open).toHaveLength(1);
    expect(open[0]!.settle_state).toBe('sent');
    const client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: 3000 }));
    const payments = new PaymentCoordinator({
      client,
      journal,
      clock,
      timeZone: scenario.hospital.timezone,
      log: () => undefined,
    });
    expect(await payments.recover()).toMatchObject({ examined: 1, settled: 1, stillOpen: 0 });
    expect(sim.store.settlements.count()).toBe(1);
    expect(journal.get(open[0]!.payment_id)?.settle_state).toBe('settled');
    journal.close();
  } finally {
    await sim.close();
  }
});
