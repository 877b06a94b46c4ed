/** The session's ReceiptPort on an ESC/POS printer: lay out the receipt (or the pending slip), then print it whole or say why not. */
import type { PendingSlipData, ReceiptData } from '../../core/domain.ts';
import type { ReceiptPort } from '../../core/ports.ts';
import type { EscPosPrinter } from './escpos-printer.ts';
import { layoutReceipt } from './receipt-layout.ts';
import { layoutPendingSlip } from './slip-layout.ts';

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

  private async send(bytes: Uint8Array): Promise<{ printed: boolean; problem?: string }> {
    if (this.printer.state !== 'enabled') return { printed: false, problem: 'offline' };
    const result = await this.printer.print(bytes);
    return result.problem === undefined
      ? { printed: result.printed }
      : { printed: result.printed, problem: result.problem };
  }
}
