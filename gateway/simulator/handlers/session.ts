/** 9001 sign-in, 9002 sign-out and 1101 person info. */
import { ageOn } from '../../../core/family.ts';
import { cents, centsToYuan } from '../../../core/money.ts';
import type { CertificateType } from '../../wire-vocabulary.ts';
import { type Call, GatewayRejection, type Handler, hospitalTime } from './context.ts';

/**
 * Issues a sign number to the signing-in terminal (opter) for today; business calls must carry
 * it. The terminal signs in as itself: opter_no is the envelope's opter.
 */
export const signIn: Handler<'9001'> = (input, call) => {
  const { opter_no, mac, ip } = input.signIn;
  if (opter_no !== call.envelope.opter)
    throw new GatewayRejection(`opter_no "${opter_no}" is not the envelope's opter`);
  const signNo = `SN${String(call.store.nextSequence('sign')).padStart(10, '0')}`;
  call.store.signIns.record(signNo, opter_no, call.time, { mac, ip, devNo: call.envelope.dev_no });
  return { signinoutb: { sign_time: call.time, sign_no: signNo } };
};

/** Ends a sign number 9001 issued to this terminal; signing out again gives the same time. */
export const signOut: Handler<'9002'> = (input, call) => {
  const { sign_no, opter_no } = input.signOut;
  if (opter_no !== call.envelope.opter)
    throw new GatewayRejection(`opter_no "${opter_no}" is not the envelope's opter`);
  const at = call.store.signIns.signOut(sign_no, opter_no, call.time);
  if (at === undefined)
    throw new GatewayRejection(
      `sign_no "${sign_no}" was not issued to ${opter_no}: nothing to sign out`,
    );
  return { signoutoutb: { sign_time: at } };
};

/**
 * The person a certificate names: 01 e-voucher QR (decoded here, as the platform's ecQrCode
 * decode would), 02 ID number, 03 social security card number. 04 (other cards) names nobody
 * the simulator knows.
 */
function personByCertificate(call: Call, type: CertificateType, no: string) {
  const people = call.store.people;
  if (type === '01') return people.personByVoucher(no);
  if (type === '02') return people.personByCertno(no);
  if (type === '03') return people.personBySocialSecurityCard(no);
  return undefined;
}

/** One insuinfo row per insurance type the person holds; the account is the basic row's. */
export const personInfo: Handler<'1101'> = (input, call) => {
  const { mdtrt_cert_type, mdtrt_cert_no } = input.data;
  const p = personByCertificate(call, mdtrt_cert_type, mdtrt_cert_no);
  if (!p) throw new GatewayRejection(`person not found (mdtrt_cert_type ${mdtrt_cert_type})`);
  const today = hospitalTime(call).date;
  return {
    baseinfo: {
      psn_no: p.psn_no,
      psn_cert_type: '01',
      certno: p.certno,
      psn_name: p.name,
      gend: p.gender,
      brdy: p.birth_date,
      age: ageOn(p.birth_date, today),
    },
    insuinfo: call.store.people.insuranceRows(p).map((row) => ({
      balc: centsToYuan(cents(row.insutype === p.insutype ? p.balance_cents : 0)),
      insutype: row.insutype,
      psn_type: '11',
      insuplc_admdvs: p.insuplc_admdvs,
      psn_insu_stas: row.psn_insu_stas,
    })),
  };
};
