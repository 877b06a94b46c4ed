/**
 * The states a journalled payment can be in, and the only moves between them (after Stripe's
 * PaymentIntent state machine). A payment has two: its settlement with the gateway and its cash
 * part. PaymentJournal.update refuses any move not listed here, so no path can, say, send a
 * reversed payment's 2207 again or mark refunded cash as paid. docs/settlement.md says why each
 * move is safe at any crash point.
 */

export const settleStates = [
  'intent',
  'sent',
  'settled',
  'failed',
  'in-doubt',
  'reversal-sent',
  'reversed',
] as const;
export type SettleState = (typeof settleStates)[number];

export const cashStates = [
  'none',
  'pending',
  'paid',
  'cancelled',
  'expired',
  'refund-pending',
  'refunded',
] as const;
export type CashState = (typeof cashStates)[number];

/** What a payment is created in: nothing sent yet; a cash part, if any, not yet paid. */
export const initialStates = {
  settle: ['intent'],
  cash: ['none', 'pending'],
} as const satisfies { settle: readonly SettleState[]; cash: readonly CashState[] };

/**
 * Legal moves, from each state. A state listed among its own targets is a retry that writes it
 * again (the same msgid or order number, so the gateway applies it at most once).
 */
export const journalMoves = {
  settle: {
    // complete(): "sent" is journalled before 2207 leaves the kiosk.
    intent: ['sent'],
    // The 2207 answer: settled, refused, unknown; or recovery finds it already reversed.
    sent: ['settled', 'failed', 'in-doubt', 'reversed'],
    // Resolved by a query or a resend with the same msgid; an answer failing the split check
    // leaves it in doubt.
    'in-doubt': ['sent', 'settled', 'failed', 'in-doubt', 'reversed'],
    // reverse(): staff, or a settled split that differs from the confirmed one.
    settled: ['reversal-sent'],
    'reversal-sent': ['reversal-sent', 'reversed'],
    failed: [],
    reversed: [],
  },
  cash: {
    none: [],
    // The order's answer (K201/K202/K203/K205/K302).
    pending: ['paid', 'cancelled', 'expired'],
    // refund(): a refusal, a reversal, or a session that ended before settling.
    paid: ['refund-pending'],
    'refund-pending': ['refund-pending', 'refunded'],
    cancelled: [],
    expired: [],
    refunded: [],
  },
} as const satisfies {
  settle: Record<SettleState, readonly SettleState[]>;
  cash: Record<CashState, readonly CashState[]>;
};

export type JournalMove =
  | { kind: 'settle'; from: SettleState; to: SettleState }
  | { kind: 'cash'; from: CashState; to: CashState };

export function isLegalMove(move: JournalMove): boolean {
  const targets: readonly string[] =
    move.kind === 'settle' ? journalMoves.settle[move.from] : journalMoves.cash[move.from];
  return targets.includes(move.to);
}

/** A state change the table does not allow: a bug in the caller, never applied. */
export class JournalMoveError extends Error {
  override readonly name = 'JournalMoveError';
  constructor(
    readonly paymentId: string,
    readonly move: JournalMove,
  ) {
    super(
      `journal: payment ${paymentId} cannot move its ${move.kind} state from ${move.from} to ${move.to}`,
    );
  }
}
