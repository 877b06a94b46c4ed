/**
 * What every transaction handler of the simulator gets and gives. A handler's input is what
 * protocol.ts's input schema parsed, and its answer is what the output schema the kiosk's client
 * parses accepts: both sides are checked against the same schemas by the compiler.
 */
import type { z } from 'zod';
import type { Clock } from '../../../core/domain.ts';
import { formatInTimeZone } from '../../../core/time.ts';
import type { RequestEnvelope, TransactionCode, TxInput, transactions } from '../../protocol.ts';
import type { Policy } from '../policy.ts';
import type { Scenario } from '../scenario.ts';
import type { SimulatorStore } from '../store.ts';
import type { PersonRow } from '../tables/people.ts';

/** A refusal: the answer is infcode -1 with this message, and nothing was changed. */
export class GatewayRejection extends Error {
  override readonly name = 'GatewayRejection';
}

/** The simulator's world, the same for every call. */
export interface SimulatorWorld {
  store: SimulatorStore;
  scenario: Scenario;
  policy: Policy;
  clock: Clock;
}

/** One call: the world, the request's envelope, and the time the answer gives (hospital time). */
export interface Call extends SimulatorWorld {
  envelope: RequestEnvelope;
  time: string;
}

/** What a handler answers: the output schema's input side, which the kiosk's client parses. */
export type TxAnswer<T extends TransactionCode> = z.input<(typeof transactions)[T]['output']>;

export type Handler<T extends TransactionCode> = (input: TxInput<T>, call: Call) => TxAnswer<T>;

/** One handler per transaction: a transaction without one fails to compile. */
export type HandlerTable = { [T in TransactionCode]: Handler<T> };

/** `at` (default: now) in the hospital's time zone. */
export function hospitalTime(world: SimulatorWorld, at: Date = world.clock.now()) {
  return formatInTimeZone(at, world.scenario.hospital.timezone);
}

export function requirePerson(world: SimulatorWorld, psnNo: string): PersonRow {
  const p = world.store.people.person(psnNo);
  if (!p) throw new GatewayRejection('person not found');
  return p;
}
