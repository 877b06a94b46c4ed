/**
 * Lays out a payment receipt as ESC/POS bytes with node-thermal-printer (Epson command set),
 * Chinese text in GB18030. The same bytes go to a real printer or the simulator.
 */
import nodeThermalPrinter from 'node-thermal-printer';
import type { ReceiptData } from '../../core/domain.ts';
import { formatYuan } from '../../core/money.ts';
import { formatInTimeZone } from '../../core/time.ts';

const { ThermalPrinter, PrinterTypes, CharacterSet } = nodeThermalPrinter;

const labels = {
  'zh-CN': {
    title: '自助缴费凭证',
    kiosk: '终端',
    time: '时间',
    patient: '患者',
    id: '证件号',
    bill: '单据号',
    visit: {
      outpatient: '门诊',
      emergency: '急诊',
      'inpatient-deposit': '住院预交金',
      'inpatient-discharge': '出院结算',
    },
    total: '医疗费总额',
    fund: '医保统筹支付',
    account: '个人账户支付',
    mutualAid: '家庭共济支付',
    cash: '个人现金支付',
    balance: '个人账户余额',
    method: '支付方式',
    methods: {
      'insurance-only': '医保结算',
      mobile: '移动支付',
      credit: '信用支付',
      'wallet-code': '付款码',
    },
    settlement: '结算号',
    repay: '还款日期',
    scan: '扫码获取电子票据',
  },
  en: {
    title: 'Self-service payment receipt',
    kiosk: 'Kiosk',
    time: 'Time',
    patient: 'Patient',
    id: 'ID no.',
    bill: 'Bill',
    visit: {
      outpatient: 'Outpatient',
      emergency: 'Emergency',
      'inpatient-deposit': 'Inpatient deposit',
      'inpatient-discharge': 'Discharge',
    },
    total: 'Total medical fees',
    fund: 'Insurance fund paid',
    account: 'Personal account paid',
    mutualAid: 'Family account paid',
    cash: 'You paid (cash part)',
    balance: 'Account balance',
    method: 'Payment',
    methods: {
      'insurance-only': 'Insurance settlement',
      mobile: 'Mobile payment',
      credit: 'Credit',
      'wallet-code': 'Wallet code',
    },
    settlement: 'Settlement',
    repay: 'Repay by',
    scan: 'Scan for your e-receipt',
  },
} as const;

export const RECEIPT_WIDTH = 42;

export function layoutReceipt(r: ReceiptData, timeZone: string): Uint8Array {
  // No interface: this printer object only builds the byte buffer; our driver sends it.
  const p = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    width: RECEIPT_WIDTH,
    characterSet: CharacterSet.CHINA,
    interface: '',
  });
  // node-thermal-printer's China code page is GB2312 (EUC-CN); GB18030 is its superset and what
  // Chinese thermal printers take, so rare name characters still print.
  (
    p as unknown as { printer: { config: { CODE_PAGES: Record<string, string> } } }
  ).printer.config.CODE_PAGES.CHINA = 'GB18030';
  const l = labels[r.language];
  const s = r.settlement.split;
  p.append(Buffer.from([0x1b, 0x40, 0x1c, 0x26])); // ESC @ reset, FS & Chinese character mode
  p.alignCenter();
  p.bold(true);
  p.setTextDoubleHeight();
  p.println(r.hospitalName);
  p.setTextNormal();
  p.println(l.title);
  p.bold(false);
  p.alignLeft();
  p.drawLine();
  p.leftRight(`${l.kiosk}: ${r.kioskId}`, '');
  p.leftRight(`${l.time}: ${formatInTimeZone(new Date(r.printedAt), timeZone).dateTime}`, '');
  p.leftRight(`${l.patient}: ${r.patientName}`, '');
  p.leftRight(`${l.id}: ${r.patientIdNumber}`, '');
  p.leftRight(`${l.bill}: ${r.bill.id}`, l.visit[r.bill.visitType]);
  p.drawLine();
  for (const item of r.bill.items) {
    p.leftRight(`${item.name} [${item.itemClass}] x${item.quantity}`, formatYuan(item.amount));
  }
  p.drawLine();
  p.bold(true);
  p.leftRight(l.total, formatYuan(s.total));
  p.bold(false);
  p.leftRight(l.fund, formatYuan(s.fund));
  p.leftRight(l.account, formatYuan(s.account));
  p.leftRight(l.mutualAid, formatYuan(s.mutualAid));
  p.bold(true);
  p.leftRight(l.cash, formatYuan(s.cash));
  p.bold(false);
  if (s.accountBalanceAfter !== undefined)
    p.leftRight(l.balance, formatYuan(s.accountBalanceAfter));
  p.leftRight(l.method, l.methods[r.paymentMethod]);
  if (r.paymentMethod === 'credit' && r.repayDate) p.leftRight(l.repay, r.repayDate);
  p.leftRight(`${l.settlement}:`, r.settlement.settlementId);
  p.drawLine();
  p.alignCenter();
  p.printQR(r.eReceiptUrl, { cellSize: 6, correction: 'M', model: 2 });
  p.println(l.scan);
  p.alignLeft();
  p.cut();
  return new Uint8Array(p.getBuffer());
}
