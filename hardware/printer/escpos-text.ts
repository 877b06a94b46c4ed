/**
 * Reads ESC/POS bytes back into plain text, the way a person reads the paper: commands are
 * skipped, text is decoded as the printer decodes it (GB18030 in Chinese mode), a QR code shows
 * as "[QR ...]" and a cut as a line of scissors. Used by the simulator's readable copy and by
 * tests.
 */
import { decodeEscPos } from './escpos-decoder.ts';

const CUT_LINE = '\n- - - - - - - - 8< - - - - - - - -\n';

export function escposToText(bytes: Uint8Array): string {
  let out = '';
  for (const op of decodeEscPos(bytes)) {
    if (op.kind === 'text') out += op.chars.join('');
    else if (op.kind === 'newline') out += '\n';
    else if (op.kind === 'qr' && op.data.length > 0)
      out += `[QR ${Buffer.from(op.data).toString('utf8')}]`;
    else if (op.kind === 'cut') out += CUT_LINE;
  }
  return out;
}
