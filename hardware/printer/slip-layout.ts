/**
 * The slip a patient takes away when their payment is not confirmed yet (their cash is in, the
 * gateway has not said whether it settled): what they paid, the bill, and a reference staff can
 * find the payment by. It says what will happen and never that the bill is paid.
 */
import type { PendingSlipData, RefundSlipData } from '../../core/domain.ts';
import { formatYuan } from '../../core/money.ts';
import { formatInTimeZone } from '../../core/time.ts';
import { RECEIPT_WIDTH, row, ticketBuilder, wrapColumns } from './receipt-layout.ts';

const labels = {
  'zh-CN': {
    title: '付款确认中 — 请保留此凭条',
    kiosk: '终端',
    time: '时间',
    bill: '费用单号',
    total: '费用合计',
    cashPaid: '您已自付',
    method: '支付方式',
    reference: '查询编号',
    methods: {
      'insurance-only': '医保',
      mobile: '手机扫码',
      credit: '信用付',
      'wallet-code': '付款码',
    },
    body: '您的钱是安全的。这笔付款还没有得到医保系统的确认；自助机会自动完成付款，或把钱原路退回。请不要重复缴这笔费用。如有疑问，请凭查询编号找工作人员。',
    notReceipt: '此凭条不是收费收据。',
  },
  en: {
    title: 'PAYMENT BEING CONFIRMED - KEEP THIS SLIP',
    kiosk: 'Kiosk',
    time: 'Time',
    bill: 'Bill',
    total: 'Bill total',
    cashPaid: 'You paid',
    method: 'Paid by',
    reference: 'Reference',
    methods: {
      'insurance-only': 'Insurance',
      mobile: 'Phone (QR)',
      credit: 'Credit',
      'wallet-code': 'Wallet code',
    },
    body: 'Your money is safe. This payment is not yet confirmed by the insurance service; the kiosk will complete it, or refund your money to where it came from, by itself. Please do not pay this bill again. Staff can look it up with the reference above.',
    notReceipt: 'This slip is not a receipt.',
  },
} as const;

export function layoutPendingSlip(s: PendingSlipData, timeZone: string): Uint8Array {
  const p = ticketBuilder();
  const l = labels[s.language];
  p.alignCenter();
  p.bold(true);
  p.println(s.hospitalName);
  p.invert(true);
  for (const line of wrapColumns(l.title, RECEIPT_WIDTH - 2)) p.println(` ${line.trim()} `);
  p.invert(false);
  p.bold(false);
  p.alignLeft();
  p.drawLine();
  row(p, `${l.kiosk}: ${s.kioskId}`, '');
  row(p, `${l.time}: ${formatInTimeZone(new Date(s.printedAt), timeZone).dateTime}`, '');
  row(p, `${l.bill}: ${s.billId}`, '');
  row(p, l.total, formatYuan(s.total));
  p.bold(true);
  row(p, l.cashPaid, formatYuan(s.cashPaid));
  p.bold(false);
  row(p, l.method, l.methods[s.paymentMethod]);
  p.drawLine();
  p.bold(true);
  row(p, `${l.reference}:`, '');
  p.println(s.reference);
  p.bold(false);
  p.drawLine();
  for (const line of wrapColumns(l.body, RECEIPT_WIDTH)) p.println(line);
  p.println(l.notReceipt);
  p.cut();
  return new Uint8Array(p.getBuffer());
}

const refundLabels = {
  'zh-CN': {
    title: '退款凭条',
    kiosk: '终端',
    time: '时间',
    patient: '患者',
    bill: '费用单号',
    settlement: '原结算号',
    total: '费用合计',
    fund: '退回医保基金',
    account: '退回个人账户',
    mutualAid: '退回亲情账户',
    cash: '自付部分原路退回',
    method: '原支付方式',
    staff: '经办人',
    body: '这笔缴费已撤销：医保结算已冲正，自付部分退回到原支付渠道，到账时间以支付机构为准。',
  },
  en: {
    title: 'REFUND',
    kiosk: 'Kiosk',
    time: 'Time',
    patient: 'Patient',
    bill: 'Bill',
    settlement: 'Settlement',
    total: 'Bill total',
    fund: 'Back to the insurance fund',
    account: 'Back to the personal account',
    mutualAid: "Back to the family member's account",
    cash: 'Your part, back to where you paid it from',
    method: 'Paid by',
    staff: 'Staff',
    body: 'This payment has been undone: the insurance settlement is reversed and your part goes back the way you paid it. When it arrives depends on your bank or wallet.',
  },
} as const;

export function layoutRefundSlip(s: RefundSlipData, timeZone: string): Uint8Array {
  const p = ticketBuilder();
  const l = refundLabels[s.language];
  const methods = labels[s.language].methods;
  p.alignCenter();
  p.bold(true);
  p.println(s.hospitalName);
  p.invert(true);
  p.println(` ${l.title} `);
  p.invert(false);
  p.bold(false);
  p.alignLeft();
  p.drawLine();
  row(p, `${l.kiosk}: ${s.kioskId}`, '');
  row(p, `${l.time}: ${formatInTimeZone(new Date(s.printedAt), timeZone).dateTime}`, '');
  if (s.patientName) row(p, `${l.patient}: ${s.patientName}`, '');
  row(p, `${l.bill}: ${s.billId}`, '');
  row(p, `${l.settlement}:`, s.settlementId);
  p.drawLine();
  row(p, l.total, formatYuan(s.total));
  row(p, l.fund, formatYuan(s.fund));
  row(p, l.account, formatYuan(s.account));
  if (s.mutualAid > 0) row(p, l.mutualAid, formatYuan(s.mutualAid));
  p.bold(true);
  row(p, l.cash, formatYuan(s.cash));
  p.bold(false);
  row(p, l.method, methods[s.paymentMethod]);
  row(p, `${l.staff}: ${s.staffId}`, '');
  p.drawLine();
  for (const line of wrapColumns(l.body, RECEIPT_WIDTH)) p.println(line);
  p.cut();
  return new Uint8Array(p.getBuffer());
}
