/** The session's ReceiptPort on an ESC/POS printer: lay out the receipt, then print it whole or say why not. */
import type { ReceiptData } from '../../core/domain.ts';
import type { ReceiptPort } from '../../core/ports.ts';
import type { EscPosPrinter } from './escpos-printer.ts';
import { layoutReceipt } from './receipt-layout.ts';

export class ReceiptPrinter implements ReceiptPort {
  constructor(
    private readonly printer: EscPosPrinter,
    private readonly timeZone: string,
  ) {}

  async print(receipt: ReceiptData): Promise<{ printed: boolean; problem?: string }> {
    if (this.printer.state !== 'enabled') return { printed: false, problem: 'offline' };
    const result = await this.printer.print(layoutReceipt(receipt, this.timeZone));
    return result.problem === undefined
      ? { printed: result.printed }
      : { printed: result.printed, problem: result.problem };
  }
}
