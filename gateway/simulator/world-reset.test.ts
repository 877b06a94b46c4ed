/**
 * The testers' reset, through the simulator's own control route: a bill paid through the real
 * client, coordinator and journal is unpaid again afterwards, every table holds what a freshly
 * seeded store holds, and the kiosk's client carries on (it signs in again by itself).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestSite } from '../testing/test-kiosk.ts';
import { loadScenario } from './scenario.ts';
import type { GatewaySimulator } from './server.ts';
import { SimulatorStore } from './store.ts';

const scenario = loadScenario();
const clock = { now: () => new Date() };
const CONTROL = 'reset-test-token';
let site: TestSite;
let sim: GatewaySimulator;

beforeEach(async () => {
  site = await TestSite.start('sim-reset-', clock, scenario, { controlToken: CONTROL });
  sim = site.sim;
});
afterEach(() => site.close());

/** Rows per table: the whole world, whichever tables the store has. */
function tableCounts(store: SimulatorStore): Record<string, number> {
  const names = store.db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .all() as { name: string }[];
  return Object.fromEntries(
    names
      .filter((t) => t.name !== 'meta' && t.name !== 'seen_nonces')
      .map((t) => [
        t.name,
        (store.db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n,
      ]),
  );
}

function control(path: string, token = CONTROL): Promise<Response> {
  return fetch(`${sim.url}/control/${path}`, {
    method: 'POST',
    headers: { 'x-sim-control': token },
  });
}

describe('resetting the gateway simulator', () => {
  it('brings a paid bill back unpaid, and every table to the scenario as loaded', async () => {
    const { port } = site.kiosk({ journalFile: site.file('journal.sqlite') });
    const sheldon = scenario.patients.find((p) => p.name.startsWith('Sheldon'))!;
    const patient = await port.findPatient(sheldon.certno);
    const before = await port.unpaidBills(patient);
    const bill = before[0]!;
    const preview = await port.preSettle(patient, bill);
    const start = await port.beginPayment(patient, bill, preview, 'none');
    const paid = await port.completePayment(start.paymentId);
    expect((await port.unpaidBills(patient)).map((b) => b.id)).not.toContain(bill.id);
    expect(sim.store.settlements.count()).toBe(1);
    // A scenario binding undone behind the simulator's back: the reset brings it back too.
    sim.store.db.prepare(`DELETE FROM family_bindings`).run();

    const fresh = new SimulatorStore(':memory:');
    fresh.seed(scenario);
    const expected = tableCounts(fresh);
    fresh.close();
    expect(tableCounts(sim.store)).not.toEqual(expected);

    expect((await control('reset', 'wrong')).status).toBe(403);
    const reset = await control('reset');
    expect(reset.status).toBe(200);
    const { cleared } = (await reset.json()) as { cleared: Record<string, number> };
    expect(cleared.settlements).toBe(1);
    expect(tableCounts(sim.store)).toEqual(expected);

    // The same client, its sign number forgotten by the simulator, signs in again by itself.
    expect((await port.unpaidBills(patient)).map((b) => b.id)).toEqual(before.map((b) => b.id));
    const again = await port.beginPayment(
      patient,
      bill,
      await port.preSettle(patient, bill),
      'none',
    );
    const repaid = await port.completePayment(again.paymentId);
    // Numbers are never issued twice, reset or not.
    expect(repaid.settlementId).not.toBe(paid.settlementId);
  });

  it('clears armed faults', async () => {
    const state = async () =>
      (await (
        await fetch(`${sim.url}/control/state`, { headers: { 'x-sim-control': CONTROL } })
      ).json()) as { faults: unknown[] };
    sim.injectFault({ infno: '2207', kind: 'http-500', times: 1 });
    expect((await state()).faults).toHaveLength(1);
    await control('reset');
    expect((await state()).faults).toEqual([]);
  });
});
