import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  type Alignment,
  decodeCommand,
  decodeEscPos,
  defaultTextStyle,
  type EscPosOp,
  initialDecoderState,
  type TextStyle,
} from './escpos-decoder.ts';

const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const gb = (s: string) => [...iconv.encode(s, 'gb18030')];
const decode = (bytes: number[] | Uint8Array) => [...decodeEscPos(Uint8Array.from(bytes))];
const style = (patch: Partial<TextStyle> = {}): TextStyle => ({ ...defaultTextStyle(), ...patch });
const text = (s: string, patch: Partial<TextStyle> = {}, align: Alignment = 'left'): EscPosOp => ({
  kind: 'text',
  chars: [...s],
  wide: false,
  style: style(patch),
  align,
});
const wide = (chars: string[]): EscPosOp => ({
  kind: 'text',
  chars,
  wide: true,
  style: style(),
  align: 'left',
});
/** One code point, neither a control character nor half a surrogate pair. */
const printable = (char: string) => {
  const code = char.codePointAt(0) ?? 0;
  return (
    [...char].length === 1 &&
    code >= 0x20 &&
    !(code >= 0x7f && code <= 0x9f) &&
    !(code >= 0xd800 && code <= 0xdfff)
  );
};
/** The text of the decoded operations, to see where a skipped command ended. */
const textOf = (ops: EscPosOp[]) =>
  ops.map((op) => (op.kind === 'text' ? op.chars.join('') : `<${op.kind}>`)).join('');

describe('ESC/POS decoder: text', () => {
  it('joins characters of one style into one text operation, a line feed between lines', () => {
    expect(decode([...ascii('AB'), 0x0a, ...ascii('C')])).toEqual([
      text('AB'),
      { kind: 'newline' },
      text('C'),
    ]);
  });

  it('reads single bytes in the chosen code page (ESC t), and skips CR and other controls', () => {
    expect(decode([ESC, 0x74, 16, 0x80, 0x0d, 0x00, ESC, 0x74, 0, 0x80])).toEqual([text('€Ç')]);
  });

  it('reads GB18030 in Chinese mode (FS &), two and four bytes wide, until FS .', () => {
    expect(decode([FS, 0x26, ...gb('诊𠀀'), ...ascii('a'), FS, 0x2e, 0xb0])).toEqual([
      wide(['诊', '𠀀']),
      text('a░'), // 0xb0 outside Chinese mode: code page 437
    ]);
  });

  it('prints a byte that starts no GB18030 character as a replacement character', () => {
    // 0x81 then a control byte; 0x81 0x30 then bytes that cannot end a four-byte character.
    expect(textOf(decode([FS, 0x26, 0x81, 0x0a, 0x81, 0x30, 0x1d, 0x56, 0x00]))).toBe(
      '\ufffd<newline>\ufffd0<cut>',
    );
    // A four-byte code with no character (beyond U+10FFFF) is no character either.
    expect(decode([FS, 0x26, 0xe3, 0x32, 0x9a, 0x36])).toEqual([wide(['\ufffd'])]);
  });

  it('applies styles: ESC E, ESC G, ESC -, ESC !, ESC M, GS !, GS B, FS !', () => {
    const ops = decode([
      ESC, 0x45, 1, ...ascii('a'),
      ESC, 0x45, 0, ESC, 0x47, 1, ...ascii('b'), // still bold: one run with "a"
      ESC, 0x47, 0, ESC, 0x2d, 2, ...ascii('c'),
      ESC, 0x21, 0xb9, ...ascii('d'),
      ESC, 0x21, 0, ESC, 0x4d, 1, ...ascii('e'),
      ESC, 0x4d, 0, GS, 0x21, 0x21, ...ascii('f'),
      GS, 0x21, 0, GS, 0x42, 1, ...ascii('g'),
      GS, 0x42, 0, FS, 0x21, 0x0c, ...ascii('h'),
    ]); // prettier-ignore
    expect(ops).toEqual([
      text('ab', { bold: true }),
      text('c', { underline: 2 }),
      text('d', { font: 'B', bold: true, heightScale: 2, widthScale: 2, underline: 1 }),
      text('e', { font: 'B' }),
      text('f', { widthScale: 3, heightScale: 2 }),
      text('g', { reverse: true }),
      text('h', { widthScale: 2, heightScale: 2 }),
    ]);
  });

  it('aligns (ESC a) and resets everything but Chinese mode on ESC @', () => {
    const ops = decode([
      FS, 0x26, ESC, 0x61, 1, ESC, 0x45, 1, ...ascii('a'),
      ESC, 0x61, 0x32, ...ascii('b'),
      ESC, 0x40, ...gb('诊'),
    ]); // prettier-ignore
    expect(ops).toEqual([
      text('a', { bold: true }, 'center'),
      text('b', { bold: true }, 'right'),
      { kind: 'line-spacing', dots: 30 },
      wide(['诊']),
    ]);
  });
});

describe('ESC/POS decoder: paper movement', () => {
  it('decodes tabs, positions, line spacing and feeds (ESC d in lines, ESC J in dots)', () => {
    expect(
      decode([0x09, ESC, 0x24, 0x2c, 0x01, ESC, 0x33, 40, ESC, 0x64, 3, ESC, 0x4a, 7, ESC, 0x32]),
    ).toEqual([
      { kind: 'tab' },
      { kind: 'position', dots: 300 },
      { kind: 'line-spacing', dots: 40 },
      { kind: 'feed', dots: 120 },
      { kind: 'feed', dots: 7 },
      { kind: 'line-spacing', dots: 30 },
    ]);
  });

  it('decodes every cut: GS V m, GS V m n (function B feeds n dots first), ESC i, ESC m', () => {
    const cuts = decode([
      GS, 0x56, 0x00, GS, 0x56, 0x31, GS, 0x56, 0x41, 12, GS, 0x56, 0x42, 5,
      GS, 0x56, 0x61, 9, GS, 0x56, 0x68, 9, ESC, 0x69, ESC, 0x6d, ...ascii('x'),
    ]); // prettier-ignore
    expect(cuts).toEqual([
      ...[0, 0, 12, 5, 0, 0, 0, 0].map((feedDots) => ({ kind: 'cut', feedDots })),
      text('x'),
    ]);
  });
});

describe('ESC/POS decoder: QR codes and images', () => {
  const qrFunction = (fn: number, ...data: number[]) => [
    GS, 0x28, 0x6b, (data.length + 2) & 0xff, (data.length + 2) >> 8, 0x31, fn, ...data,
  ]; // prettier-ignore

  it('stores a QR code with its module size and error correction, and prints it where asked', () => {
    const ops = decode([
      ESC, 0x61, 1,
      ...qrFunction(0x41, 0x32, 0x00), // model 2
      ...qrFunction(0x43, 40), // module size, at most 16
      ...qrFunction(0x45, 0x33), // error correction H
      ...qrFunction(0x50, 0x30, ...ascii('https://x.example/r/1')),
      ...qrFunction(0x51, 0x30),
    ]); // prettier-ignore
    expect(ops).toEqual([
      {
        kind: 'qr',
        data: Uint8Array.from(ascii('https://x.example/r/1')),
        moduleSize: 16,
        errorCorrection: 'H',
        align: 'center',
      },
    ]);
  });

  it('prints an empty QR code when nothing was stored (the picture draws nothing)', () => {
    expect(decode(qrFunction(0x51, 0x30))).toEqual([
      { kind: 'qr', data: new Uint8Array(0), moduleSize: 3, errorCorrection: 'L', align: 'left' },
    ]);
  });

  it('decodes a raster image (GS v 0) with its size and scaling', () => {
    const ops = decode([GS, 0x76, 0x30, 3, 2, 0, 2, 0, 1, 2, 3, 4, ...ascii('a')]);
    expect(ops).toEqual([
      {
        kind: 'raster',
        widthBytes: 2,
        height: 2,
        doubleWidth: true,
        doubleHeight: true,
        data: Uint8Array.of(1, 2, 3, 4),
        align: 'left',
      },
      text('a'),
    ]);
  });
});

describe('ESC/POS decoder: commands that print nothing', () => {
  it.each([
    ['a barcode with NUL-ended data (GS k 4)', [GS, 0x6b, 4, ...ascii('12'), 0]],
    ['a barcode with counted data (GS k 73)', [GS, 0x6b, 73, 2, ...ascii('12')]],
    ['a column image (ESC * 33)', [ESC, 0x2a, 33, 2, 0, 1, 2, 3, 4, 5, 6]],
    ['a cash drawer pulse (ESC p)', [ESC, 0x70, 0, 25, 250]],
    ['a status request (DLE EOT)', [0x10, 0x04, 1]],
    ['a left margin (GS L)', [GS, 0x4c, 0, 0]],
    ['an international character set (ESC R)', [ESC, 0x52, 15]],
    ['an unknown ESC command, stepped over by three bytes', [ESC, 0x7e, 0]],
    ['an unknown GS command, stepped over by three bytes', [GS, 0x7e, 0]],
    ['another GS ( function', [GS, 0x28, 0x4c, 2, 0, 0x30, 0x45]],
  ])('steps over %s', (_, command) => {
    expect(decode([...command, ...ascii('ok')])).toEqual([text('ok')]);
  });
});

describe('ESC/POS decoder: bounds', () => {
  it('takes what is there of a command cut off by the end of the bytes, and stops', () => {
    // A QR store claiming 65535 bytes, of which 3 arrived: nothing after it is read as text.
    expect(decode([GS, 0x28, 0x6b, 0xff, 0xff, 0x31, 0x50, 0x30, ...ascii('abc')])).toEqual([]);
    // A raster claiming 65535 x 65535 bytes: the data is the bytes there are, not a copy.
    const [raster] = decode([GS, 0x76, 0x30, 0, 0xff, 0xff, 0xff, 0xff, 1, 2]);
    expect(raster).toMatchObject({ widthBytes: 65535, height: 65535, data: Uint8Array.of(1, 2) });
  });

  it('says when a command is cut off, and decodes it again once the rest has arrived', () => {
    const state = initialDecoderState();
    const whole = Uint8Array.of(GS, 0x56, 0x41, 20);
    expect(decodeCommand(whole.subarray(0, 3), 0, state)).toMatchObject({ next: 4 });
    expect(decodeCommand(whole, 0, state)).toEqual({ next: 4, op: { kind: 'cut', feedDots: 20 } });
    // A GB18030 lead byte at the very end may be half of a character still on its way.
    state.chinese = true;
    expect(decodeCommand(Uint8Array.of(0xd5), 0, state).next).toBe(2);
  });

  it('decodes every prefix of a real receipt without throwing', () => {
    const receipt = readFileSync(join(import.meta.dirname, 'golden', 'receipt-zh-CN.bin'));
    for (let end = 0; end <= receipt.length; end++) {
      expect(() => decode(receipt.subarray(0, end))).not.toThrow();
    }
  });

  it('decodes any bytes without throwing, into printable characters only', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16;
    for (let round = 0; round < 10; round++) {
      const bytes = Uint8Array.from({ length: 2000 }, () => random() & 0xff);
      // Chinese mode on, so the GB18030 paths see random bytes too.
      const ops = decode([FS, 0x26, ...bytes]);
      expect(ops.length).toBeLessThanOrEqual(bytes.length);
      for (const op of ops) {
        if (op.kind !== 'text') continue;
        for (const char of op.chars) expect(printable(char), char).toBe(true);
      }
    }
  });
});
