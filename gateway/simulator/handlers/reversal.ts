/**
 * 2601, the platform's reversal (冲正) of a transaction the terminal is unsure of, by its msgid:
 * a settlement (2207) is reversed as 2208 would, a discharge (2304) as 2305, a deposit (K701) is
 * cancelled as K702 would, a registration (2201) with nothing under it yet is
 * withdrawn, and either way the msgid is refused from then on, so an original that reaches the
 * gateway after its reversal changes nothing. Reversing what never arrived, or twice, is not an
 * error: the answer is the same.
 */
import { GatewayRejection, type Handler } from './context.ts';
import { reverseSettlement } from './settlement.ts';

export const reverseByMsgid: Handler<'2601'> = (input, call) => {
  const { psn_no, omsgid, oinfno } = input.data;
  const store = call.store;
  const done = store.reversedMsgids.get(omsgid);
  if (done) {
    if (done.infno !== oinfno || done.psn_no !== psn_no)
      throw new GatewayRejection(`omsgid ${omsgid} was reversed as another transaction`);
    return {};
  }
  if (oinfno === '2207' || oinfno === '2304') {
    const settlement = store.settlements.byMsgid(omsgid);
    if (settlement && settlement.psn_no !== psn_no)
      throw new GatewayRejection(`omsgid ${omsgid} is not this person's transaction`);
    if (settlement?.status === 'settled') {
      reverseSettlement(call, settlement);
      // A discharge's deposits are held again, less the surplus it refunded (as 2305 does).
      if (settlement.infno === '2304')
        store.deposits.unnet(
          settlement.setl_id,
          `DK${String(store.nextSequence('dpst')).padStart(10, '0')}`,
          psn_no,
          call.time,
        );
    }
  } else if (oinfno === 'K701') {
    const deposit = store.deposits.byMsgid(omsgid);
    if (deposit && deposit.psn_no !== psn_no)
      throw new GatewayRejection(`omsgid ${omsgid} is not this person's transaction`);
    if (deposit?.status === 'netted')
      throw new GatewayRejection(
        `deposit ${deposit.dpst_id} was netted by discharge settlement ${deposit.netted_by}: reverse it (2305) first`,
      );
    if (deposit?.status === 'available') {
      store.deposits.refund(deposit.dpst_id, call.envelope.msgid, '');
      store.db
        .prepare(`UPDATE bills SET status = 'unpaid' WHERE chrg_bchno = ?`)
        .run(deposit.chrg_bchno);
    }
  } else {
    const visit = store.visits.visitByMsgid(omsgid);
    if (visit && visit.psn_no !== psn_no)
      throw new GatewayRejection(`omsgid ${omsgid} is not this person's transaction`);
    if (visit) {
      if (store.visits.hasUploads(visit.mdtrt_id))
        throw new GatewayRejection(
          `mdtrt_id ${visit.mdtrt_id} has fee details: revoke them (2205) before reversing 2201`,
        );
      store.visits.withdraw(visit.mdtrt_id);
    }
  }
  store.reversedMsgids.record({
    msgid: omsgid,
    infno: oinfno,
    psn_no,
    reversal_msgid: call.envelope.msgid,
    at: call.time,
  });
  return {};
};
