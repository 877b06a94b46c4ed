import { describe, expect, it } from 'vitest';
import { escposToText } from './escpos-text.ts';

const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

describe('escposToText', () => {
  it('shows the text, the QR code where it is printed and the cut; never image or barcode bytes', () => {
    const url = ascii('https://x.example/r/1');
    const bytes = Uint8Array.from([
      0x1b, 0x40, 0x1c, 0x26,
      0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0x41, 0x42, // a 16x1 logo
      ...ascii('Total'), 0x09, ...ascii('1.00'), 0x0d, 0x0a,
      0x1d, 0x6b, 0x04, ...ascii('1234'), 0x00, // a barcode
      0x1d, 0x28, 0x6b, url.length + 3, 0x00, 0x31, 0x50, 0x30, ...url,
      0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30,
      0x0a, 0x1d, 0x56, 0x41, 0x03,
    ]); // prettier-ignore
    expect(escposToText(bytes)).toBe(
      'Total1.00\n[QR https://x.example/r/1]\n\n- - - - - - - - 8< - - - - - - - -\n',
    );
  });
});
