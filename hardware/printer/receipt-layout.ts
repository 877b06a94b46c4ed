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
    payer: '缴费人',
    payerId: '缴费人证件号',
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
    cashPart: '个人负担',
    deposits: '预交金抵扣',
    depositsRefund: '预交金退还',
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
    payer: 'Paid by',
    payerId: 'Payer ID no.',
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
    cashPart: 'Your part',
    deposits: 'Deposits netted',
    depositsRefund: 'Deposits refunded',
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

/** Columns a character takes on the printer: Chinese (and other wide) characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      c >= 0x20000;
    w += wide ? 2 : 1;
  }
  return w;
}

/** What a reprint says, in both languages whatever the receipt's, so any staff member reads it. */
export const COPY_MARK = 'COPY / 补打';

/** How far a wrapped line is indented, so a continuation reads as part of the line above. */
const CONTINUATION = '  ';

/**
 * Splits text into lines no wider than `width` printed columns: at a space when a Latin word
 * would be cut, anywhere between Chinese characters, and hard inside a word longer than a line.
 * Continuation lines are indented. Nothing is dropped.
 */
export function wrapColumns(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let rest = Array.from(text);
  while (rest.length > 0) {
    const ch = rest[0]!;
    // A line always takes one character, so a column narrower than a character still ends.
    if (displayWidth(line + ch) <= width || line.trim() === '') {
      line += ch;
      rest = rest.slice(1);
      continue;
    }
    // Full: break at the line's last space if the next character continues a word.
    const lastSpace = line.lastIndexOf(' ');
    const prefix = lines.length > 0 ? CONTINUATION.length : 0;
    if (ch !== ' ' && lastSpace > prefix && !isWide(ch)) {
      rest = [...Array.from(line.slice(lastSpace + 1)), ...rest];
      line = line.slice(0, lastSpace);
    }
    lines.push(line.trimEnd());
    while (rest[0] === ' ') rest = rest.slice(1);
    line = CONTINUATION;
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line);
  return lines;
}

function isWide(ch: string): boolean {
  return displayWidth(ch) === 2;
}

/**
 * Left text and right-aligned amount on the paper. node-thermal-printer's leftRight counts a
 * Chinese character as one column, but it prints two wide, so mixed lines would wrap anywhere;
 * this pads by printed width and wraps the left text onto further lines within its own column,
 * the right text on the last of them, so neither is ever cut or pushed off the paper.
 */
export function row(p: { println(text: string): unknown }, left: string, right: string): void {
  const room = RECEIPT_WIDTH - displayWidth(right) - (right ? 1 : 0);
  const lines = wrapColumns(left, room);
  lines.forEach((l, i) => {
    const r = i === lines.length - 1 ? right : '';
    p.println(l + ' '.repeat(Math.max(0, RECEIPT_WIDTH - displayWidth(l) - displayWidth(r))) + r);
  });
}

/** A reprint's mark: large, white on black, centred, so a copy cannot pass for the original. */
function copyMark(p: InstanceType<typeof ThermalPrinter>): void {
  p.alignCenter();
  p.setTextDoubleHeight(); // before bold: the size command (ESC !) resets it
  p.bold(true);
  p.invert(true);
  p.println(` ${COPY_MARK} `);
  p.setTextNormal();
  p.invert(false);
  p.bold(false);
  p.alignLeft();
}

/** A byte builder for one ticket: reset, Chinese mode, GB18030. */
export function ticketBuilder(): InstanceType<typeof ThermalPrinter> {
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
  p.append(Buffer.from([0x1b, 0x40, 0x1c, 0x26])); // ESC @ reset, FS & Chinese character mode
  return p;
}

export function layoutReceipt(r: ReceiptData, timeZone: string): Uint8Array {
  const p = ticketBuilder();
  const l = labels[r.language];
  const s = r.settlement.split;
  p.alignCenter();
  p.bold(true);
  p.setTextDoubleHeight();
  p.println(r.hospitalName);
  p.setTextNormal();
  p.println(l.title);
  p.bold(false);
  p.alignLeft();
  if (r.copy) copyMark(p);
  p.drawLine();
  row(p, `${l.kiosk}: ${r.kioskId}`, '');
  row(p, `${l.time}: ${formatInTimeZone(new Date(r.printedAt), timeZone).dateTime}`, '');
  row(p, `${l.patient}: ${r.patientName}`, '');
  // Empty when not known (a receipt rebuilt from an old journal row): no line rather than a blank.
  if (r.patientIdNumber) row(p, `${l.id}: ${r.patientIdNumber}`, '');
  if (r.payer) {
    row(p, `${l.payer}: ${r.payer.name}`, '');
    if (r.payer.idNumber) row(p, `${l.payerId}: ${r.payer.idNumber}`, '');
  }
  row(p, `${l.bill}: ${r.bill.id}`, l.visit[r.bill.visitType]);
  p.drawLine();
  for (const item of r.bill.items) {
    row(p, `${item.name} [${item.itemClass}] x${item.quantity}`, formatYuan(item.amount));
  }
  p.drawLine();
  p.bold(true);
  row(p, l.total, formatYuan(s.total));
  p.bold(false);
  row(p, l.fund, formatYuan(s.fund));
  row(p, l.account, formatYuan(s.account));
  row(p, l.mutualAid, formatYuan(s.mutualAid));
  // A discharge: the deposits are netted off the patient's part; they paid the rest, or the
  // hospital refunds the surplus.
  const d = r.settlement.deposits;
  if (d) {
    row(p, l.cashPart, formatYuan(s.cash));
    row(p, l.deposits, formatYuan(d.total));
  }
  p.bold(true);
  row(p, l.cash, formatYuan(d ? d.due : s.cash));
  if (d && d.refund > 0) row(p, l.depositsRefund, formatYuan(d.refund));
  p.bold(false);
  if (s.accountBalanceAfter !== undefined) row(p, l.balance, formatYuan(s.accountBalanceAfter));
  row(p, l.method, l.methods[r.paymentMethod]);
  if (r.paymentMethod === 'credit' && r.repayDate) row(p, l.repay, r.repayDate);
  row(p, `${l.settlement}:`, r.settlement.settlementId);
  p.drawLine();
  p.alignCenter();
  p.printQR(r.eReceiptUrl, { cellSize: 6, correction: 'M', model: 2 });
  p.println(l.scan);
  p.alignLeft();
  if (r.copy) copyMark(p);
  p.cut();
  return new Uint8Array(p.getBuffer());
}
