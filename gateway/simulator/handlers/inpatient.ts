/**
 * Inpatient money as the platform and the hospital handle it: 2303 discharge pre-settlement and
 * 2304 discharge settlement of a visit whose fee details the ward uploaded (2301 on the hospital's
 * side), netting the visit's deposits off the cash part; 2305 its reversal; K701/K702 the
 * deposits themselves (kiosk extensions: a deposit is the hospital's prepayment, never an
 * insurance settlement, so it is not in the settlements table and never in 3201).
 */
import { type Cents, cents, centsToYuan, yuanToCents } from '../../../core/money.ts';
import type { TxInput } from '../../protocol.ts';
import { computeSplit, insutypeRefusal } from '../policy.ts';
import type { BillRow } from '../tables/people.ts';
import { reverseSettlement, setlinfoOfSplit } from './settlement.ts';
import { type Call, GatewayRejection, type Handler, type TxAnswer } from './context.ts';

/** The visit's discharge bill, its split and the deposits it nets, after every check. */
function quoteDischarge(input: TxInput<'2303'>, call: Call) {
  const d = input.data;
  const { people, visits, deposits } = call.store;
  const person = people.person(d.psn_no);
  if (!person || (d.mdtrt_cert_type === '02' && person.certno !== d.mdtrt_cert_no))
    throw new GatewayRejection('person not found or certificate does not match');
  if (d.mid_setl_flag !== '0')
    throw new GatewayRejection('mid_setl_flag 1 (settlement during the stay) is not offered here');
  const visit = visits.visit(d.mdtrt_id);
  if (!visit) throw new GatewayRejection(`mdtrt_id ${d.mdtrt_id} was not issued by this gateway`);
  if (visit.psn_no !== person.psn_no)
    throw new GatewayRejection(`mdtrt_id ${d.mdtrt_id} is not this person's visit`);
  const bill = dischargeBillOf(call, d.mdtrt_id, person.psn_no);
  const upload = visits.upload(bill.chrg_bchno);
  if (!upload || upload.mdtrt_id !== d.mdtrt_id)
    throw new GatewayRejection(
      `the fee details of mdtrt_id ${d.mdtrt_id} are not uploaded (2301): the ward must upload them before discharge`,
    );
  const refused = insutypeRefusal(people.insuranceRows(person), d.insutype, bill.category);
  if (refused !== undefined) throw new GatewayRejection(refused);
  const items = people.items(bill.chrg_bchno);
  const total = items.reduce((a, i) => a + i.amount_cents, 0);
  if (yuanToCents(d.medfee_sumamt) !== total)
    throw new GatewayRejection(`medfee_sumamt does not match the fees of mdtrt_id ${d.mdtrt_id}`);
  const split = computeSplit(
    call.policy,
    d.insutype,
    'inpatient',
    items.map((i) => ({ itemClass: i.item_class, amount: cents(i.amount_cents) })),
    {
      accountBalance: cents(person.balance_cents),
      deductibleUsed: cents(person.deductible_used_cents),
      fundUsed: cents(person.fund_used_cents),
    },
    d.acct_used_flag === '1',
  );
  const available = deposits.availableSum(d.mdtrt_id);
  const held = available.cents;
  const refund = cents(Math.max(0, held - split.cash));
  const setlinfo = {
    ...setlinfoOfSplit(person.psn_no, split),
    dpst_sumamt: centsToYuan(cents(held)),
    dpst_rfd_amt: centsToYuan(refund),
    dpst_cnt: available.count,
  };
  return { person, bill, split, held, refund, setlinfo };
}

function dischargeBillOf(call: Call, mdtrtId: string, psnNo: string): BillRow {
  const bills = call.store.people
    .unpaidBills(psnNo)
    .filter(
      (b) =>
        b.type === 'inpatient_discharge' &&
        call.store.visits.billVisit(b.chrg_bchno)?.mdtrt_id === mdtrtId,
    );
  const bill = bills[0];
  if (!bill) throw new GatewayRejection(`mdtrt_id ${mdtrtId} has no unpaid discharge bill`);
  return bill;
}

export const inpatientPreSettle: Handler<'2303'> = (input, call) => ({
  setlinfo: quoteDischarge(input, call).setlinfo,
});

/**
 * Settles the discharge and nets the deposits, in one transaction (the handler runs in the
 * store's batch): the settlement, the bill paid, the deposits netted and the refund recorded
 * together or not at all. A resend of the msgid answers the first settlement.
 */
export const inpatientSettle: Handler<'2304'> = (input, call) => {
  const settlements = call.store.settlements;
  if (call.store.reversedMsgids.has(call.envelope.msgid))
    throw new GatewayRejection(`msgid ${call.envelope.msgid} was reversed (2601): not settled`);
  const previous = settlements.byMsgid(call.envelope.msgid);
  if (previous) {
    if (previous.infno !== '2304')
      throw new GatewayRejection('msgid already used for another transaction');
    return JSON.parse(previous.response_json) as TxAnswer<'2304'>;
  }
  const { person, bill, split, held, refund, setlinfo } = quoteDischarge(input, call);
  const time = call.time;
  const setlId = `S${time.replace(/\D/g, '').slice(0, 8)}${String(call.store.nextSequence('setl')).padStart(8, '0')}`;
  const output = { setlinfo: { ...setlinfo, setl_id: setlId, setl_time: time } };
  settlements.commit({
    setlId,
    msgid: call.envelope.msgid,
    infno: '2304',
    chrgBchno: bill.chrg_bchno,
    psnNo: person.psn_no,
    after: split.after,
    responseJson: JSON.stringify(output),
    at: time,
    opter: call.envelope.opter,
    insutype: input.data.insutype,
    clrType: '21',
  });
  call.store.deposits.net(input.data.mdtrt_id, setlId, held, refund);
  return output;
};

/** Reverses a discharge settlement: the bill unpaid, the deposits held again less the refund. */
export const reverseInpatient: Handler<'2305'> = (input, call) => {
  const d = input.data;
  const settlements = call.store.settlements;
  const done = settlements.reversalOf(d.setl_id);
  if (done) return JSON.parse(done.response_json) as TxAnswer<'2305'>;
  const orig = settlements.byId(d.setl_id);
  if (!orig || orig.psn_no !== d.psn_no || orig.infno !== '2304')
    throw new GatewayRejection('inpatient settlement not found for this person');
  const netting = call.store.deposits.netting(d.setl_id);
  if (!netting || netting.mdtrt_id !== d.mdtrt_id)
    throw new GatewayRejection(`settlement ${d.setl_id} is not of mdtrt_id ${d.mdtrt_id}`);
  const output = reverseSettlement(call, orig);
  const keptId = `DK${String(call.store.nextSequence('dpst')).padStart(10, '0')}`;
  call.store.deposits.unnet(d.setl_id, keptId, d.psn_no, call.time);
  return output;
};

/**
 * Records a deposit the kiosk collected: the deposit bill of this visit, its amount, its cash
 * order paid. A resend of the msgid answers the first record.
 */
export const depositRecord: Handler<'K701'> = (input, call) => {
  const { deposits, people, visits, orders } = call.store;
  const previous = deposits.byMsgid(call.envelope.msgid);
  if (previous) return JSON.parse(previous.response_json) as TxAnswer<'K701'>;
  if (call.store.reversedMsgids.has(call.envelope.msgid))
    throw new GatewayRejection(`msgid ${call.envelope.msgid} was reversed (2601): not recorded`);
  const d = input.data;
  const bill = people.bill(d.chrg_bchno);
  if (!bill || bill.psn_no !== d.psn_no || bill.type !== 'inpatient_deposit')
    throw new GatewayRejection(`chrg_bchno ${d.chrg_bchno} is not this person's deposit bill`);
  if (bill.status !== 'unpaid') throw new GatewayRejection('the deposit is already paid');
  if (visits.billVisit(bill.chrg_bchno)?.mdtrt_id !== d.mdtrt_id)
    throw new GatewayRejection(
      `chrg_bchno ${d.chrg_bchno} is not a deposit of mdtrt_id ${d.mdtrt_id}`,
    );
  const amount = yuanToCents(d.amount);
  const due = people.items(bill.chrg_bchno).reduce((a, i) => a + i.amount_cents, 0);
  if (amount !== due) throw new GatewayRejection('amount does not match the deposit bill');
  const order = orders.order(d.order_no);
  if (!order || order.status !== 'paid' || order.amount_cents !== amount)
    throw new GatewayRejection(`order_no ${d.order_no} is not paid for this deposit`);
  const time = call.time;
  const dpstId = `D${time.replace(/\D/g, '').slice(0, 8)}${String(call.store.nextSequence('dpst')).padStart(8, '0')}`;
  const held = deposits.availableSum(d.mdtrt_id).cents + amount;
  const output = {
    deposit: {
      dpst_id: dpstId,
      dpst_time: time,
      amount: centsToYuan(cents(amount)),
      dpst_sumamt: centsToYuan(cents(held)),
    },
  };
  const paid = call.store.db
    .prepare(`UPDATE bills SET status = 'paid' WHERE chrg_bchno = ? AND status = 'unpaid'`)
    .run(bill.chrg_bchno);
  if (paid.changes !== 1) throw new GatewayRejection('the deposit is already paid');
  deposits.insert({
    dpst_id: dpstId,
    mdtrt_id: d.mdtrt_id,
    psn_no: d.psn_no,
    chrg_bchno: bill.chrg_bchno,
    amount_cents: amount,
    kind: 'deposit',
    status: 'available',
    msgid: call.envelope.msgid,
    order_no: d.order_no,
    response_json: JSON.stringify(output),
    created_at: time,
  });
  return output;
};

/** Staff refund a deposit no discharge has netted; its bill is unpaid again. Idempotent by msgid. */
export const depositRefund: Handler<'K702'> = (input, call) => {
  const { deposits } = call.store;
  const previous = deposits.byRefundMsgid(call.envelope.msgid);
  if (previous) return JSON.parse(previous.refund_json) as TxAnswer<'K702'>;
  const d = input.data;
  const dep = deposits.byId(d.dpst_id);
  if (!dep || dep.psn_no !== d.psn_no || dep.mdtrt_id !== d.mdtrt_id || dep.kind !== 'deposit')
    throw new GatewayRejection(`deposit ${d.dpst_id} not found on mdtrt_id ${d.mdtrt_id}`);
  if (dep.status === 'refunded' && dep.refund_json !== '')
    return JSON.parse(dep.refund_json) as TxAnswer<'K702'>;
  if (dep.status === 'netted')
    throw new GatewayRejection(
      `deposit ${d.dpst_id} was netted by discharge settlement ${dep.netted_by}: reverse it (2305) first`,
    );
  const left: Cents = cents(deposits.availableSum(d.mdtrt_id).cents - dep.amount_cents);
  if (left < 0)
    throw new GatewayRejection(
      `deposit ${d.dpst_id} was partly refunded at a reversed discharge: refund at the counter`,
    );
  const output = {
    deposit: {
      dpst_id: dep.dpst_id,
      rfd_time: call.time,
      amount: centsToYuan(cents(dep.amount_cents)),
      dpst_sumamt: centsToYuan(left),
    },
  };
  deposits.refund(dep.dpst_id, call.envelope.msgid, JSON.stringify(output));
  if (dep.chrg_bchno !== '')
    call.store.db
      .prepare(`UPDATE bills SET status = 'unpaid' WHERE chrg_bchno = ?`)
      .run(dep.chrg_bchno);
  return output;
};
