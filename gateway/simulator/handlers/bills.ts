/** K101 unpaid bills with their fee items, and K401 the receipt record. */
import { cents, centsToYuan } from '../../../core/money.ts';
import { levelOfItemClass } from '../../wire-mapping.ts';
import { medTypeOfBillType } from '../../wire-vocabulary.ts';
import { GatewayRejection, type Handler } from './context.ts';

export const unpaidBills: Handler<'K101'> = (input, call) => {
  const people = call.store.people;
  if (!people.person(input.data.psn_no)) throw new GatewayRejection('person not found');
  const visits = call.store.visits;
  return {
    bills: people.unpaidBills(input.data.psn_no).map((b) => {
      const items = people.items(b.chrg_bchno);
      const codes = visits.itemCodes(b.chrg_bchno);
      const visit = visits.billVisit(b.chrg_bchno);
      if (!visit) throw new GatewayRejection(`bill ${b.chrg_bchno} has no visit on file`);
      const uploaded = visits.upload(b.chrg_bchno);
      // A discharge nets the deposits paid on its visit: the patient sees them before paying.
      const held =
        b.type === 'inpatient_discharge' && visit.mdtrt_id !== ''
          ? call.store.deposits.availableSum(visit.mdtrt_id)
          : undefined;
      return {
        ...(held ? { dpst_sumamt: centsToYuan(cents(held.cents)), dpst_cnt: held.count } : {}),
        chrg_bchno: b.chrg_bchno,
        med_type: medTypeOfBillType[b.type],
        kiosk_bill_type: b.type,
        bill_ctgy: b.category,
        dept_name: b.dept_name,
        begntime: b.begntime,
        medfee_sumamt: centsToYuan(cents(items.reduce((a, i) => a + i.amount_cents, 0))),
        mdtrt_id: visit.mdtrt_id,
        ipt_otp_no: visit.ipt_otp_no,
        dept_code: visit.dept_code,
        caty: visit.caty,
        atddr_no: visit.atddr_no,
        dr_name: visit.dr_name,
        // 1: the hospital's side uploaded the details; the kiosk uploads (and revokes) its own.
        fee_upld_flag:
          uploaded?.uploaded_by === 'hospital' && uploaded.mdtrt_id === visit.mdtrt_id ? '1' : '0',
        feedetail: items.map((i) => ({
          feedetl_sn: i.sn,
          med_list_codg: codes.get(i.sn)?.med_list_codg ?? '',
          medins_list_codg: codes.get(i.sn)?.medins_list_codg ?? '',
          medins_list_name: i.name,
          chrgitm_lv: levelOfItemClass[i.item_class],
          pric: centsToYuan(cents(i.price_cents)),
          cnt: i.count,
          det_item_fee_sumamt: centsToYuan(cents(i.amount_cents)),
        })),
      };
    }),
  };
};

/** Accepted and acknowledged: the simulator keeps no receipt records. */
export const receiptRecord: Handler<'K401'> = () => ({ recorded: true });
