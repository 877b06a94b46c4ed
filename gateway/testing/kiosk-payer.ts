/**
 * A kiosk payer in its own process, for crash tests: pays one patient's first bill through the
 * real client, journal and coordinator, against the gateway at argv[2], journalling to argv[3].
 * The test kills it with SIGKILL at the worst moment and recovers from the journal it left.
 */
import { loadScenario } from '../simulator/scenario.ts';
import { GatewayClient } from '../client.ts';
import { testClientOptions } from './test-client.ts';
import { PaymentJournal } from '../journal.ts';
import { PaymentCoordinator } from '../payments.ts';
import { GatewaySettlementPort } from '../settlement-port.ts';

const [baseUrl, journalFile, certno] = process.argv.slice(2) as [string, string, string];
const scenario = loadScenario();
const clock = { now: () => new Date() };
const client = new GatewayClient(testClientOptions(baseUrl, clock, { timeoutMs: 60_000 }));

const journal = new PaymentJournal(journalFile, clock.now);
const payments = new PaymentCoordinator({
  client,
  journal,
  clock,
  timeZone: scenario.hospital.timezone,
  log: () => undefined,
});
const port = new GatewaySettlementPort(client, payments);
const patient = await port.findPatient(certno);
const [bill] = await port.unpaidBills(patient);
const preview = await port.preSettle(patient, bill!);
const start = await port.beginPayment(patient, bill!, preview, 'none');
process.stdout.write(`begun ${start.paymentId}\n`);
await port.completePayment(start.paymentId);
process.stdout.write('settled\n');
