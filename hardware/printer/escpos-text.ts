/**
 * Reads ESC/POS bytes back into plain text, the way a person reads the paper: commands are
 * skipped, text is decoded (GB18030 in Chinese mode), a QR code shows as "[QR ...]" and a
 * cut as a line of scissors. Used by the simulator's readable copy and by tests.
 */
import iconv from 'iconv-lite';

export function escposToText(bytes: Uint8Array): string {
  let out = '';
  let run: number[] = [];
  const flush = () => {
    if (run.length) out += iconv.decode(Buffer.from(run), 'gb18030');
    run = [];
  };
  let i = 0;
  const at = (k: number) => bytes[i + k] ?? 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x1b) {
      flush();
      const c = at(1);
      // ESC @ and ESC 2 take no argument; the rest used by receipts take one byte.
      i += c === 0x40 || c === 0x32 ? 2 : 3;
    } else if (b === 0x1c) {
      flush();
      const c = at(1);
      i += c === 0x26 || c === 0x2e ? 2 : 3; // FS & / FS . enter/leave Chinese mode
    } else if (b === 0x10) {
      flush();
      i += 3; // DLE EOT n
    } else if (b === 0x1d) {
      flush();
      const c = at(1);
      if (c === 0x28 && at(2) === 0x6b) {
        // GS ( k pL pH cn fn [data]: fn 0x50 stores QR data
        const len = at(3) + at(4) * 256;
        if (at(5) === 0x31 && at(6) === 0x50)
          out += `[QR ${Buffer.from(bytes.subarray(i + 8, i + 5 + len)).toString('utf8')}]`;
        i += 5 + len;
      } else if (c === 0x56) {
        const m = at(2);
        i += m === 0x41 || m === 0x42 || m === 0x61 || m === 0x62 ? 4 : 3;
        out += '\n- - - - - - - - 8< - - - - - - - -\n';
      } else {
        i += 3;
      }
    } else if (b === 0x0b || b === 0x09 || b === 0x0d) {
      flush();
      i += 1;
    } else {
      run.push(b);
      i += 1;
    }
  }
  flush();
  return out;
}
