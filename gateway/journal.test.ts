/**
 * The journal's state machine, over every (from, to) pair: a legal move is written with its
 * audit event, an illegal one is refused with a JournalMoveError and changes nothing. The legal
 * moves are spelled out here on their own, so changing journal-states.ts means changing this.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NewPayment, type PaymentPatch, PaymentJournal } from './journal.ts';
import {
  type CashState,
  JournalMoveError,
  type SettleState,
  cashStates,
  settleStates,
} from './journal-states.ts';

const legal = {
  settle: [
    'intent>sent',
    'sent>settled',
    'sent>failed',
    'sent>in-doubt',
    'sent>reversed',
    'in-doubt>sent',
    'in-doubt>settled',
    'in-doubt>failed',
    'in-doubt>in-doubt',
    'in-doubt>reversed',
    'settled>reversal-sent',
    'reversal-sent>reversal-sent',
    'reversal-sent>reversed',
  ],
  cash: [
    'pending>paid',
    'pending>cancelled',
    'pending>expired',
    'paid>refund-pending',
    'refund-pending>refund-pending',
    'refund-pending>refunded',
  ],
};

let journal: PaymentJournal;
let n = 0;
beforeEach(() => {
  journal = new PaymentJournal(':memory:', () => new Date('2026-11-22T02:00:00Z'));
});
afterEach(() => journal.close());

function payment(overrides: Partial<NewPayment> = {}): NewPayment {
  return {
    payment_id: `H11010500001202611221000000${String(++n).padStart(3, '0')}`,
    business_date: '2026-11-22',
    bill_id: 'OP202611220001',
    psn_no: 'P0001',
    insured_area: '110105',
    settle_input_json: '{}',
    total_cents: 1000,
    fund_cents: 400,
    account_cents: 100,
    mutual_aid_cents: 0,
    cash_cents: 500,
    cash_method: 'mobile',
    order_no: 'ORDER0001',
    cash_state: 'pending',
    settle_state: 'intent',
    ...overrides,
  };
}

/** A payment put straight into a state, whatever path would lead there. */
function paymentIn(kind: 'settle' | 'cash', state: string): string {
  const id = journal.create(payment()).payment_id;
  journal.db.prepare(`UPDATE payments SET ${kind}_state = ? WHERE payment_id = ?`).run(state, id);
  return id;
}

/** Every (from, to) pair of one kind's states. */
const pairs = (states: readonly string[]) =>
  states.flatMap((from) => states.map((to) => ({ from, to })));

describe.each([
  { kind: 'settle' as const, all: pairs(settleStates) },
  { kind: 'cash' as const, all: pairs(cashStates) },
])('$kind state moves', ({ kind, all }) => {
  it.each(all)('$from -> $to', ({ from, to }) => {
    const id = paymentIn(kind, from);
    const before = journal.get(id)!;
    const eventsBefore = journal.events(id).length;
    // The pairs are plain strings: each names one of this kind's states.
    const patch: PaymentPatch =
      kind === 'settle' ? { settle_state: to as SettleState } : { cash_state: to as CashState };
    const apply = () => journal.update(id, patch, `move ${from} -> ${to}`);
    if (legal[kind].includes(`${from}>${to}`)) {
      expect(apply()[`${kind}_state`]).toBe(to);
      expect(journal.events(id)).toHaveLength(eventsBefore + 1);
    } else {
      let error: unknown;
      try {
        apply();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JournalMoveError);
      expect((error as JournalMoveError).move).toEqual({ kind, from, to });
      expect(journal.get(id)).toEqual(before);
      expect(journal.events(id)).toHaveLength(eventsBefore);
    }
  });
});

describe('the journal state machine', () => {
  it('refuses the whole patch when one of its moves is illegal', () => {
    const id = paymentIn('settle', 'sent');
    expect(() =>
      journal.update(id, { settle_state: 'settled', cash_state: 'refunded', setl_id: 'S1' }, 'x'),
    ).toThrow(JournalMoveError);
    expect(journal.get(id)).toMatchObject({
      settle_state: 'sent',
      cash_state: 'pending',
      setl_id: '',
    });
  });

  it('changes fields other than states without a move', () => {
    const id = journal.create(payment()).payment_id;
    expect(journal.update(id, { problem: 'timeout' }, 'noted').problem).toBe('timeout');
  });

  it('starts a payment only as an intent, with cash none or pending', () => {
    expect(journal.create(payment({ cash_state: 'none', cash_method: 'none' }))).toMatchObject({
      settle_state: 'intent',
      cash_state: 'none',
    });
    expect(() => journal.create(payment({ settle_state: 'settled' as 'intent' }))).toThrow(
      /cannot start/,
    );
    expect(() => journal.create(payment({ cash_state: 'paid' as 'pending' }))).toThrow(
      /cannot start/,
    );
  });
});
