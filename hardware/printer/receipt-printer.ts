/** The session's ReceiptPort on an ESC/POS printer: lay out the receipt (or the pending slip), then print it whole or say why not. */
import type { PendingSlipData, ReceiptData, RefundSlipData } from '../../core/domain.ts';
import type { ReceiptPort } from '../../core/ports.ts';
import type { EscPosPrinter } from './escpos-printer.ts';
import { layoutReceipt } from './receipt-layout.ts';
import { layoutPendingSlip, layoutRefundSlip } from './slip-layout.ts';

export class ReceiptPrinter implements ReceiptPort {
  constructor(
    private readonly printer: EscPosPrinter,
    private readonly timeZone: string,
  ) {}

  print(receipt: ReceiptData): Promise<{ printed: boolean; problem?: string }> {
    return this.send(layoutReceipt(receipt, this.timeZone));
  }

  printPendingSlip(slip: PendingSlipData): Promise<{ printed: boolean; problem?: string }> {
    return this.send(layoutPendingSlip(slip, this.timeZone));
  }

  /** A staff refund's slip (admin mode). */
  printRefundSlip(slip: RefundSlipData): Promise<{ printed: boolean; problem?: string }> {
    return this.send(layoutRefundSlip(slip, this.timeZone));
  }

  private async send(bytes: Uint8Array): Promise<{ printed: boolean; problem?: string }> {
    if (this.printer.state !== 'enabled') return { printed: false, problem: 'offline' };
    const result = await this.printer.print(bytes);
    return result.problem === undefined
      ? { printed: result.printed }
      : { printed: result.printed, problem: result.problem };
  }
}
