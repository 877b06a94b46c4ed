/** 9001 sign-in and 1101 person info. */
import { ageOn } from '../../../core/family.ts';
import { cents, centsToYuan } from '../../../core/money.ts';
import { GatewayRejection, type Handler, hospitalTime } from './context.ts';

/** Issues a sign number to the signing-in terminal (opter); business calls must carry it. */
export const signIn: Handler<'9001'> = (_input, call) => {
  const signNo = `SN${String(call.store.nextSequence('sign')).padStart(10, '0')}`;
  call.store.signIns.record(signNo, call.envelope.opter, call.time);
  return { signinoutb: { sign_time: call.time, sign_no: signNo } };
};

export const personInfo: Handler<'1101'> = (input, call) => {
  const { mdtrt_cert_type, mdtrt_cert_no } = input.data;
  // 01: e-voucher QR (decoded here, as the platform's ecQrCode decode would); 02: ID number.
  if (mdtrt_cert_type === '03')
    throw new GatewayRejection('social security cards are not read at this kiosk');
  const p =
    mdtrt_cert_type === '01'
      ? call.store.people.personByVoucher(mdtrt_cert_no)
      : call.store.people.personByCertno(mdtrt_cert_no);
  if (!p) throw new GatewayRejection('person not found');
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
    insuinfo: [
      {
        balc: centsToYuan(cents(p.balance_cents)),
        insutype: p.insutype,
        psn_type: '11',
        insuplc_admdvs: p.insuplc_admdvs,
        psn_insu_stas: '1',
      },
    ],
  };
};
