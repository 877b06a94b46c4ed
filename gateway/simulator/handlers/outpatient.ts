/**
 * 2201 outpatient registration (a visit, mdtrt_id), 2204 fee detail upload of one charge batch
 * under a visit, and 2205 its revocation: what the platform needs before 2206/2207 settle a
 * batch. The checks are the ones the platform makes: the visit is this person's and was issued
 * here, the details are the bill's own, a settled batch is not revoked.
 */
import { cents, centsToYuan, yuanToCents } from '../../../core/money.ts';
import { levelOfItemClass } from '../../wire-mapping.ts';
import type { TxInput } from '../../protocol.ts';
import { insutypeNotHeld } from '../policy.ts';
import { GatewayRejection, type Handler, type TxAnswer, requirePerson } from './context.ts';

/** Registers a visit; a resend of the same msgid answers the visit it registered. */
export const registerVisit: Handler<'2201'> = (input, call) => {
  const visits = call.store.visits;
  if (call.store.reversedMsgids.has(call.envelope.msgid))
    throw new GatewayRejection(`msgid ${call.envelope.msgid} was reversed (2601): not registered`);
  const previous = visits.visitByMsgid(call.envelope.msgid);
  if (previous) return JSON.parse(previous.response_json) as TxAnswer<'2201'>;
  const d = input.data;
  const person = requirePerson(call, d.psn_no);
  if (d.mdtrt_cert_type === '02' && d.mdtrt_cert_no !== person.certno)
    throw new GatewayRejection('person not found or certificate does not match');
  // Any insurance the person holds actively (510 for a maternity visit), never one they lack.
  const notHeld = insutypeNotHeld(call.store.people.insuranceRows(person), d.insutype);
  if (notHeld !== undefined) throw new GatewayRejection(notHeld);
  const mdtrtId = `MD${call.time.replace(/\D/g, '').slice(0, 8)}${String(call.store.nextSequence('mdtrt')).padStart(8, '0')}`;
  const output = { data: { mdtrt_id: mdtrtId, psn_no: person.psn_no, ipt_otp_no: d.ipt_otp_no } };
  visits.insertVisit({
    mdtrt_id: mdtrtId,
    psn_no: person.psn_no,
    insutype: d.insutype,
    ipt_otp_no: d.ipt_otp_no,
    dept_code: d.dept_code,
    begntime: d.begntime,
    registered_by: 'kiosk',
    msgid: call.envelope.msgid,
    response_json: JSON.stringify(output),
  });
  return output;
};

type UploadRow = TxInput<'2204'>['feedetail'][number];

/**
 * Uploads one charge batch: every row names the same visit, person and batch, and the rows are
 * exactly the bill's items (codes, prices, counts). The same upload again answers the same
 * result; a different one for an uploaded batch is refused until 2205 revokes it.
 */
export const uploadFees: Handler<'2204'> = (input, call) => {
  const rows = input.feedetail;
  const first = rows[0]!;
  if (rows.some((r) => r.mdtrt_id !== first.mdtrt_id || r.chrg_bchno !== first.chrg_bchno))
    throw new GatewayRejection('one 2204 uploads one charge batch (chrg_bchno) of one mdtrt_id');
  if (rows.some((r) => r.psn_no !== first.psn_no))
    throw new GatewayRejection('every fee detail must name the same psn_no');
  const { visits, people } = call.store;
  const visit = visits.visit(first.mdtrt_id);
  if (!visit) throw new GatewayRejection(`mdtrt_id ${first.mdtrt_id} was not registered (2201)`);
  if (visit.psn_no !== first.psn_no)
    throw new GatewayRejection(`mdtrt_id ${first.mdtrt_id} is not this person's visit`);
  const bill = people.bill(first.chrg_bchno);
  if (!bill || bill.psn_no !== first.psn_no)
    throw new GatewayRejection(`chrg_bchno ${first.chrg_bchno} is not this person's bill`);
  const detail = JSON.stringify(rows);
  const existing = visits.upload(first.chrg_bchno);
  if (existing) {
    if (existing.mdtrt_id === first.mdtrt_id && existing.detail_json === detail)
      return JSON.parse(existing.result_json) as TxAnswer<'2204'>;
    throw new GatewayRejection(
      `chrg_bchno ${first.chrg_bchno} is already uploaded under mdtrt_id ${existing.mdtrt_id}: revoke it (2205) first`,
    );
  }
  if (bill.status !== 'unpaid') throw new GatewayRejection('bill is already settled');
  const items = people.items(bill.chrg_bchno);
  const codes = visits.itemCodes(bill.chrg_bchno);
  if (rows.length !== items.length)
    throw new GatewayRejection(
      `chrg_bchno ${bill.chrg_bchno} has ${items.length} fee details, ${rows.length} uploaded`,
    );
  const bySn = new Map<string, UploadRow>(rows.map((r) => [r.feedetl_sn, r]));
  const result = items.map((item) => {
    const row = bySn.get(item.sn);
    const code = codes.get(item.sn);
    if (
      !row ||
      row.med_list_codg !== code?.med_list_codg ||
      row.medins_list_codg !== code.medins_list_codg ||
      yuanToCents(row.det_item_fee_sumamt) !== item.amount_cents ||
      yuanToCents(row.pric) !== item.price_cents ||
      row.cnt !== item.count
    )
      throw new GatewayRejection(
        `feedetl_sn ${item.sn} of chrg_bchno ${bill.chrg_bchno} does not match the bill`,
      );
    // Per item, as the platform answers 2204: class C is paid in full by the patient, class B
    // pays its self-pay share first (the policy's rate; 2206 rounds the batch as a whole).
    const amount = item.amount_cents;
    const ownPay = item.item_class === 'C' ? amount : 0;
    const preSelfPay =
      item.item_class === 'B' ? Math.round((amount * call.policy.classBSelfPayBp) / 10_000) : 0;
    const y = (c: number) => centsToYuan(cents(c));
    return {
      feedetl_sn: item.sn,
      det_item_fee_sumamt: y(amount),
      cnt: item.count,
      pric: y(item.price_cents),
      fulamt_ownpay_amt: y(ownPay),
      preselfpay_amt: y(preSelfPay),
      inscp_scp_amt: y(amount - ownPay - preSelfPay),
      chrgitm_lv: levelOfItemClass[item.item_class],
    };
  });
  const output = { result };
  visits.insertUpload({
    chrg_bchno: bill.chrg_bchno,
    mdtrt_id: visit.mdtrt_id,
    uploaded_by: 'kiosk',
    detail_json: detail,
    result_json: JSON.stringify(output),
    at: call.time,
  });
  visits.linkBill(bill.chrg_bchno, visit.mdtrt_id);
  return output;
};

/** Revokes an uploaded batch; revoking one that is not uploaded (any more) is not an error. */
export const revokeFees: Handler<'2205'> = (input, call) => {
  const d = input.data;
  const { visits, people } = call.store;
  const visit = visits.visit(d.mdtrt_id);
  if (!visit || visit.psn_no !== d.psn_no)
    throw new GatewayRejection(`mdtrt_id ${d.mdtrt_id} is not this person's visit`);
  const upload = visits.upload(d.chrg_bchno);
  if (!upload) return {};
  if (upload.mdtrt_id !== d.mdtrt_id)
    throw new GatewayRejection(
      `chrg_bchno ${d.chrg_bchno} was uploaded under another mdtrt_id, not ${d.mdtrt_id}`,
    );
  if (people.bill(d.chrg_bchno)?.status !== 'unpaid')
    throw new GatewayRejection(
      `chrg_bchno ${d.chrg_bchno} is settled: reverse the settlement (2208) before revoking`,
    );
  visits.revokeUpload(d.chrg_bchno);
  return {};
};
