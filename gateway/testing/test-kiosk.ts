/**
 * The kiosk-against-the-simulator set-up most gateway tests share, written once: the gateway
 * simulator started with a scenario on a database in a fresh temporary folder, and as many kiosks
 * (client, journal, payment coordinator, settlement port) as a test wants on it. close() closes
 * every journal it opened, the simulator and its database, and removes the folder. What a test
 * tunes (timeouts, poll intervals, the coordinator's sleep) it still says at the call, so what it
 * exercises stays visible there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/domain.ts';
import { GatewayClient, type GatewayClientOptions } from '../client.ts';
import type { FieldSealer } from '../field-sealer.ts';
import { PaymentJournal } from '../journal.ts';
import { PaymentCoordinator, type PaymentCoordinatorOptions } from '../payments.ts';
import { GatewaySettlementPort } from '../settlement-port.ts';
import { loadScenario, type Scenario } from '../simulator/scenario.ts';
import type { GatewaySimulator, GatewaySimulatorOptions } from '../simulator/server.ts';
import { startTestGateway, testClientOptions } from './test-client.ts';

export interface TestKioskOptions {
  /** Over testClientOptions: timeouts, operator id, terminal slot. */
  client?: Partial<GatewayClientOptions>;
  /** Over the coordinator's test defaults (no log, a 5 ms cash poll). */
  payments?: Partial<Omit<PaymentCoordinatorOptions, 'client' | 'journal' | 'clock' | 'timeZone'>>;
  /** The journal's file, to reopen one as a restarted kiosk would; default a new file per kiosk. */
  journalFile?: string;
  /** An open journal to use instead: from journal() (closed with the site) or the test's own. */
  journal?: PaymentJournal;
  sealer?: FieldSealer;
}

export interface TestKiosk {
  client: GatewayClient;
  journal: PaymentJournal;
  payments: PaymentCoordinator;
  port: GatewaySettlementPort;
}

export class TestSite {
  private readonly journals: PaymentJournal[] = [];
  private kiosks = 0;

  private constructor(
    /** The temporary folder every database of the site is in. */
    readonly dir: string,
    readonly sim: GatewaySimulator,
    readonly scenario: Scenario,
    private readonly clock: Clock,
  ) {}

  /** The simulator on `gateway.sqlite` in a new folder named from `prefix`, listening. */
  static async start(
    prefix: string,
    clock: Clock,
    scenario: Scenario = loadScenario(),
    extra: Pick<GatewaySimulatorOptions, 'controlToken'> = {},
  ): Promise<TestSite> {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    try {
      const sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario, extra);
      return new TestSite(dir, sim, scenario, clock);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** A file in the site's folder. */
  file(name: string): string {
    return join(this.dir, name);
  }

  /** A journal on `file`, closed by close(): a kiosk's, or one a test reopens itself. */
  journal(file: string, sealer?: FieldSealer): PaymentJournal {
    const journal = new PaymentJournal(file, this.clock.now, sealer);
    this.journals.push(journal);
    return journal;
  }

  /** A kiosk on this site's gateway (or on `url`, a stand-in in front of it). */
  kiosk(options: TestKioskOptions = {}, url = this.sim.url): TestKiosk {
    const client = new GatewayClient(testClientOptions(url, this.clock, options.client));
    const journal =
      options.journal ??
      this.journal(
        options.journalFile ?? this.file(`journal-${this.kiosks}.sqlite`),
        options.sealer,
      );
    this.kiosks++;
    const payments = new PaymentCoordinator({
      log: () => undefined,
      pollMs: [5],
      ...options.payments,
      client,
      journal,
      clock: this.clock,
      timeZone: this.scenario.hospital.timezone,
    });
    return { client, journal, payments, port: new GatewaySettlementPort(client, payments) };
  }

  /** The scenario's patient whose name starts with `name`. */
  patient(name: string): Scenario['patients'][number] {
    const found = this.scenario.patients.find((p) => p.name.startsWith(name));
    if (!found) throw new Error(`no patient ${name} in the scenario`);
    return found;
  }

  /** Settlements of a bill the gateway holds as settled (not reversed). */
  settledCount(billId: string): number {
    return (
      this.sim.store.db
        .prepare(
          `SELECT COUNT(*) AS n FROM settlements WHERE chrg_bchno = ? AND status = 'settled'`,
        )
        .get(billId) as { n: number }
    ).n;
  }

  async close(): Promise<void> {
    try {
      for (const journal of this.journals.splice(0)) journal.close();
      await this.sim.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** A patient's unpaid bill, found through the port as the kiosk finds it. */
export async function billOf(port: GatewaySettlementPort, certno: string, billId?: string) {
  const patient = await port.findPatient(certno);
  const bills = await port.unpaidBills(patient);
  const bill = billId === undefined ? bills[0] : bills.find((b) => b.id === billId);
  if (!bill) throw new Error(`no bill ${billId ?? ''}`);
  return { patient, bill };
}

/** A patient's first unpaid bill, pre-settled (2206): what the kiosk shows before "pay". */
export async function readyToPay(port: GatewaySettlementPort, certno: string) {
  const { patient, bill } = await billOf(port, certno);
  return { patient, bill, preview: await port.preSettle(patient, bill) };
}
