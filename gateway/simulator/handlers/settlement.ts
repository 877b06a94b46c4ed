/**
 * 2206 pre-settlement, 2207 settlement (idempotent by msgid) of a visit's uploaded charge batch,
 * 2208 reversal (idempotent by setl_id) and K102, the query by msgid that resolves an in-doubt call. The split comes from the
 * policy engine; family mutual aid follows docs/family.md.
 */
import { canPayForMember, refusalText } from '../../../core/family.ts';
import { type Cents, cents, centsToYuan, yuanToCents } from '../../../core/money.ts';
import { billCategoryOfWire } from '../../wire-mapping.ts';
import { type WireBillType, clearingTypeOfMedType } from '../../wire-vocabulary.ts';
import type { TxInput } from '../../protocol.ts';
import {
  type PolicySplit,
  type PolicyVisit,
  computeSplit,
  insutypeRefusal,
  withMutualAid,
} from '../policy.ts';
import type { SettlementRow } from '../tables/settlements.ts';
import { type Call, GatewayRejection, type Handler, type TxAnswer } from './context.ts';

const visitOf: Record<WireBillType, PolicyVisit | 'deposit'> = {
  outpatient: 'outpatient',
  emergency: 'emergency',
  inpatient_deposit: 'deposit',
  inpatient_discharge: 'inpatient',
};

/** The split of one bill as 2206 and 2207 answer it, after every check that may refuse it. */
function quote(input: TxInput<'2206'>, call: Call) {
  const d = input.data;
  const { people, family } = call.store;
  const person = people.person(d.psn_no);
  // Mutual aid (family accounts): the certificate is the payer's, who is at the kiosk.
  const payer =
    d.acct_mulaid_psn_no === undefined ? undefined : people.person(d.acct_mulaid_psn_no);
  const certHolder = d.acct_mulaid_psn_no === undefined ? person : payer;
  if (!person || !certHolder) {
    throw new GatewayRejection('person not found or certificate does not match');
  }
  if (d.mdtrt_cert_type === '02' && certHolder.certno !== d.mdtrt_cert_no) {
    throw new GatewayRejection('person not found or certificate does not match');
  }
  if (
    payer &&
    (payer.psn_no === person.psn_no || !family.liveBinding(payer.psn_no, person.psn_no))
  ) {
    throw new GatewayRejection(
      refusalText({
        rule: 'not-bound',
        message:
          'the payer has not bound this person as a family member, so their account cannot pay this bill',
      }),
    );
  }
  const bill = people.bill(d.chrg_bchno);
  if (!bill || bill.psn_no !== person.psn_no)
    throw new GatewayRejection('bill not found for this person');
  if (bill.status !== 'unpaid') throw new GatewayRejection('bill is already settled');
  // Inpatient money goes its own ways: a deposit is the hospital's prepayment (K701), a
  // discharge is settled by 2303/2304 against the visit's deposits.
  if (bill.type === 'inpatient_deposit')
    throw new GatewayRejection(
      `chrg_bchno ${bill.chrg_bchno} is an inpatient deposit: record it with K701, it is not an insurance settlement`,
    );
  if (bill.type === 'inpatient_discharge')
    throw new GatewayRejection(
      `chrg_bchno ${bill.chrg_bchno} is an inpatient discharge: settle mdtrt_id ${d.mdtrt_id} with 2303/2304`,
    );
  requireUploadedUnder(call, d.mdtrt_id, person.psn_no, bill.chrg_bchno);
  if (payer) {
    const allowed = canPayForMember(billCategoryOfWire[bill.category]);
    if (!allowed.ok) throw new GatewayRejection(refusalText(allowed));
  }
  const insutypeRefused = insutypeRefusal(people.insuranceRows(person), d.insutype, bill.category);
  if (insutypeRefused !== undefined) throw new GatewayRejection(insutypeRefused);
  const items = people.items(bill.chrg_bchno);
  const total = items.reduce((a, i) => a + i.amount_cents, 0);
  if (yuanToCents(d.medfee_sumamt) !== total)
    throw new GatewayRejection('medfee_sumamt does not match the bill');
  const useAccount = d.acct_used_flag === '1';
  const memberSplit = computeSplit(
    call.policy,
    d.insutype,
    visitOf[bill.type],
    items.map((i) => ({ itemClass: i.item_class, amount: cents(i.amount_cents) })),
    {
      accountBalance: cents(person.balance_cents),
      deductibleUsed: cents(person.deductible_used_cents),
      fundUsed: cents(person.fund_used_cents),
    },
    // With mutual aid the member's own account is not used (docs/family.md).
    useAccount && !payer,
  );
  // A deposit is a cash prepayment: no account pays it, the payer's included.
  const aid = payer
    ? withMutualAid(
        memberSplit,
        cents(payer.balance_cents),
        useAccount && visitOf[bill.type] !== 'deposit',
      )
    : undefined;
  const split = aid?.split ?? memberSplit;
  const setlinfo = setlinfoOfSplit(
    person.psn_no,
    split,
    payer && aid ? { psnNo: payer.psn_no, balanceAfter: aid.payerBalanceAfter } : undefined,
  );
  return { person, payer, bill, split, setlinfo };
}

/** A policy split as the platform's setlinfo (yuan), for 2206/2207 and 2303/2304. */
export function setlinfoOfSplit(
  psnNo: string,
  split: PolicySplit,
  mutualAid?: { psnNo: string; balanceAfter: Cents },
): TxAnswer<'2206'>['setlinfo'] {
  const y = (c: Cents) => centsToYuan(c);
  return {
    psn_no: psnNo,
    medfee_sumamt: y(split.total),
    fulamt_ownpay_amt: y(split.fullOwnPay),
    preselfpay_amt: y(split.preSelfPay),
    inscp_scp_amt: y(split.inScope),
    act_pay_dedc: y(split.deductiblePaid),
    hifp_pay: y(split.poolFund),
    pool_prop_selfpay: y(split.poolSelfPay),
    overlmt_selfpay: y(split.overCap),
    fund_pay_sumamt: y(split.fund),
    psn_part_amt: y(split.personalPart),
    acct_pay: y(split.account),
    acct_mulaid_pay: y(split.mutualAid),
    psn_cash_pay: y(split.cash),
    balc: y(split.after.accountBalance),
    ...(mutualAid
      ? { acct_mulaid_psn_no: mutualAid.psnNo, mulaid_balc: y(mutualAid.balanceAfter) }
      : {}),
  };
}

/**
 * The platform settles a visit's uploaded fee details: mdtrt_id must be a visit issued here
 * (2201, or the hospital's), of this person, with this batch uploaded under it (2204).
 */
function requireUploadedUnder(call: Call, mdtrtId: string, psnNo: string, chrgBchno: string) {
  if (mdtrtId === '')
    throw new GatewayRejection('mdtrt_id is required: register the visit (2201) first');
  const visit = call.store.visits.visit(mdtrtId);
  if (!visit) throw new GatewayRejection(`mdtrt_id ${mdtrtId} was not issued by this gateway`);
  if (visit.psn_no !== psnNo)
    throw new GatewayRejection(`mdtrt_id ${mdtrtId} is not this person's visit`);
  const upload = call.store.visits.upload(chrgBchno);
  if (!upload || upload.mdtrt_id !== mdtrtId)
    throw new GatewayRejection(
      `fee details of chrg_bchno ${chrgBchno} are not uploaded under mdtrt_id ${mdtrtId} (2204)`,
    );
}

export const preSettle: Handler<'2206'> = (input, call) => ({
  setlinfo: quote(input, call).setlinfo,
});

export const settle: Handler<'2207'> = (input, call) => {
  if (call.store.reversedMsgids.has(call.envelope.msgid))
    throw new GatewayRejection(`msgid ${call.envelope.msgid} was reversed (2601): not settled`);
  const previous = call.store.settlements.byMsgid(call.envelope.msgid);
  if (previous) {
    // Idempotency: a retried 2207 gets the first answer and settles nothing new.
    if (previous.chrg_bchno !== input.data.chrg_bchno)
      throw new GatewayRejection('msgid already used for another bill');
    return JSON.parse(previous.response_json) as TxAnswer<'2207'>;
  }
  const { person, payer, bill, split, setlinfo } = quote(input, call);
  const time = call.time;
  const setlId = `S${time.replace(/\D/g, '').slice(0, 8)}${String(call.store.nextSequence('setl')).padStart(8, '0')}`;
  const output = { setlinfo: { ...setlinfo, setl_id: setlId, setl_time: time } };
  call.store.settlements.commit({
    setlId,
    msgid: call.envelope.msgid,
    infno: call.envelope.infno,
    chrgBchno: bill.chrg_bchno,
    psnNo: person.psn_no,
    after: split.after,
    ...(payer ? { mutualAid: { psnNo: payer.psn_no, amount: split.mutualAid } } : {}),
    responseJson: JSON.stringify(output),
    at: time,
    opter: call.envelope.opter,
    insutype: input.data.insutype,
    clrType: clearingTypeOfMedType(input.data.med_type),
  });
  return output;
};

export const reverse: Handler<'2208'> = (input, call) => {
  const d = input.data;
  const settlements = call.store.settlements;
  const done = settlements.reversalOf(d.setl_id);
  if (done) return JSON.parse(done.response_json) as TxAnswer<'2208'>;
  const orig = settlements.byId(d.setl_id);
  if (!orig || orig.psn_no !== d.psn_no) {
    throw new GatewayRejection('settlement not found for this person');
  }
  const visitOfSettlement = call.store.visits.upload(orig.chrg_bchno)?.mdtrt_id;
  if (visitOfSettlement !== d.mdtrt_id)
    throw new GatewayRejection(`settlement ${d.setl_id} is not of mdtrt_id ${d.mdtrt_id}`);
  return reverseSettlement(call, orig);
};

/** Reverses a live settlement: balances given back, the bill unpaid again, the answer kept. */
export function reverseSettlement(call: Call, orig: SettlementRow): TxAnswer<'2208'> {
  const settlements = call.store.settlements;
  const setl = (JSON.parse(orig.response_json) as TxAnswer<'2207'>).setlinfo;
  const time = call.time;
  const setlId = `R${time.replace(/\D/g, '').slice(0, 8)}${String(call.store.nextSequence('setl')).padStart(8, '0')}`;
  const output: TxAnswer<'2208'> = {
    setlinfo: {
      setl_id: setlId,
      orig_setl_id: orig.setl_id,
      setl_time: time,
      medfee_sumamt: setl.medfee_sumamt,
      fund_pay_sumamt: setl.fund_pay_sumamt,
      acct_pay: setl.acct_pay,
      acct_mulaid_pay: setl.acct_mulaid_pay,
      psn_cash_pay: setl.psn_cash_pay,
    },
  };
  settlements.commitReversal({
    orig,
    setlId,
    msgid: call.envelope.msgid,
    give: {
      account: yuanToCents(setl.acct_pay),
      deductible: yuanToCents(setl.act_pay_dedc),
      fund: yuanToCents(setl.fund_pay_sumamt),
    },
    ...(setl.acct_mulaid_psn_no
      ? {
          giveMutualAid: {
            psnNo: setl.acct_mulaid_psn_no,
            amount: yuanToCents(setl.acct_mulaid_pay),
          },
        }
      : {}),
    responseJson: JSON.stringify(output),
    at: time,
  });
  return output;
}

export const queryByMsgid: Handler<'K102'> = (input, call) => {
  const msgid = input.data.msgid;
  const settlements = call.store.settlements;
  const s = settlements.byMsgid(msgid);
  if (s) {
    return {
      txn: {
        found: true,
        infno: s.infno,
        status: s.status === 'reversed' ? 'reversed' : 'settled',
        setl_id: s.setl_id,
        response: JSON.parse(s.response_json) as Record<string, unknown>,
      },
    };
  }
  const deposit = call.store.deposits.byMsgid(msgid);
  if (deposit) {
    return {
      txn: {
        found: true,
        infno: 'K701',
        status: deposit.status === 'refunded' ? 'reversed' : 'settled',
        setl_id: deposit.dpst_id,
        response: JSON.parse(deposit.response_json) as Record<string, unknown>,
      },
    };
  }
  const depositRefunded = call.store.deposits.byRefundMsgid(msgid);
  if (depositRefunded) {
    return {
      txn: {
        found: true,
        infno: 'K702',
        status: 'reversed',
        setl_id: depositRefunded.dpst_id,
        response: JSON.parse(depositRefunded.refund_json) as Record<string, unknown>,
      },
    };
  }
  const r = settlements.reversalByMsgid(msgid);
  if (r) {
    return {
      txn: {
        found: true,
        infno: '2208',
        status: 'reversed',
        setl_id: r.setl_id,
        response: JSON.parse(r.response_json) as Record<string, unknown>,
      },
    };
  }
  const tombstone = call.store.reversedMsgids.get(msgid);
  if (tombstone) {
    return {
      txn: { found: true, infno: tombstone.infno, status: 'reversed', setl_id: '', response: null },
    };
  }
  return { txn: { found: false, infno: '', status: 'none', setl_id: '', response: null } };
};
