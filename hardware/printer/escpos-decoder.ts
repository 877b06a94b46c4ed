/**
 * Reads ESC/POS bytes the way a receipt printer does, into a list of typed operations: text in
 * its style and alignment, line feeds, paper feeds, QR codes, raster images, cuts. One reading
 * of the bytes for everything that looks at printed receipts: the picture of the paper
 * (receipt-image.ts), the readable copy (escpos-text.ts) and the simulated printer, which ends a
 * receipt at its cut (simulated-printer.ts).
 *
 * The command set is that of an 80 mm Epson-compatible printer: what the receipt layout sends,
 * plus enough of the rest to step over it. Any bytes decode without throwing: an unknown command
 * is stepped over by its usual length (three bytes), and a command cut off by the end of the bytes
 * is read as if the missing bytes were zeros, as a printer left waiting would have read them.
 */
import iconv from 'iconv-lite';

export type Alignment = 'left' | 'center' | 'right';
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface TextStyle {
  bold: boolean;
  /** Underline thickness in dots: 0 (none), 1 or 2. */
  underline: number;
  /** White on black (GS B). */
  reverse: boolean;
  /** Font A (12x24 dots) or the smaller font B (9x17); Chinese characters are always 24x24. */
  font: 'A' | 'B';
  /** Character magnification, 1 to 8, across and down. */
  widthScale: number;
  heightScale: number;
}

export type EscPosOp =
  /**
   * Characters in one style. Each entry of `chars` is one printer character: one cell, or two
   * side by side when `wide` (a Chinese character).
   */
  | { kind: 'text'; chars: string[]; wide: boolean; style: TextStyle; align: Alignment }
  /** LF: print the line and start the next. */
  | { kind: 'newline' }
  /** HT: move to the next tab stop. */
  | { kind: 'tab' }
  /** ESC $: move to this many dots from the left of the print area. */
  | { kind: 'position'; dots: number }
  /** ESC @, ESC 2, ESC 3: the least a printed line advances the paper from here on, in dots. */
  | { kind: 'line-spacing'; dots: number }
  /** ESC d, ESC J: print the line and feed the paper this many dots. */
  | { kind: 'feed'; dots: number }
  /** GS ( k: print the stored QR code (empty data prints nothing). */
  | {
      kind: 'qr';
      data: Uint8Array;
      moduleSize: number;
      errorCorrection: QrErrorCorrection;
      align: Alignment;
    }
  /**
   * GS v 0: a raster image, `widthBytes` bytes (8 dots each) per row, each dot doubled across
   * or down when asked. `data` may be shorter than the image when the bytes ended early.
   */
  | {
      kind: 'raster';
      widthBytes: number;
      height: number;
      doubleWidth: boolean;
      doubleHeight: boolean;
      data: Uint8Array;
      align: Alignment;
    }
  /** GS V, ESC i, ESC m: the paper is cut after feeding `feedDots`. */
  | { kind: 'cut'; feedDots: number };

export type TextOp = Extract<EscPosOp, { kind: 'text' }>;

/** What a printer holds between commands. */
export interface DecoderState {
  style: TextStyle;
  align: Alignment;
  lineSpacing: number;
  /** FS & (GB18030 double-byte characters) until FS . */
  chinese: boolean;
  /** The single-byte code page outside Chinese mode (ESC t), as an iconv-lite encoding name. */
  codePage: string;
  qr: { data: Uint8Array; moduleSize: number; errorCorrection: QrErrorCorrection };
}

export interface DecodedCommand {
  /** Where the next command starts; past the end of the bytes when this one was cut off. */
  next: number;
  op?: EscPosOp;
}

/** ESC 2: the printer's default line pitch, in dots. */
export const DEFAULT_LINE_SPACING = 30;

const LF = 0x0a;
const HT = 0x09;
const DLE = 0x10;
const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;

/** ESC t n -> the single-byte code page used outside Chinese mode. */
const CODE_PAGES: Record<number, string> = {
  0: 'cp437',
  2: 'cp850',
  16: 'windows-1252',
  17: 'cp866',
  19: 'cp858',
};

const ALIGNMENTS = ['left', 'center', 'right'] as const;
const ERROR_CORRECTION = ['L', 'M', 'Q', 'H'] as const;

export const defaultTextStyle = (): TextStyle => ({
  bold: false,
  underline: 0,
  reverse: false,
  font: 'A',
  widthScale: 1,
  heightScale: 1,
});

/** A printer just switched on: not in Chinese mode (the job's FS & chooses it). */
export function initialDecoderState(): DecoderState {
  return {
    style: defaultTextStyle(),
    align: 'left',
    lineSpacing: DEFAULT_LINE_SPACING,
    chinese: false,
    codePage: 'cp437',
    qr: { data: new Uint8Array(0), moduleSize: 3, errorCorrection: 'L' },
  };
}

/**
 * Every operation of the bytes, in order, cuts included (what follows a cut is the next
 * receipt). Lazy, so a reader may stop early (at the first cut, or when its paper is full).
 * Characters in the same style, alignment and width come as one text operation.
 */
export function* decodeEscPos(bytes: Uint8Array): Generator<EscPosOp> {
  const state = initialDecoderState();
  let text: TextOp | undefined;
  let i = 0;
  while (i < bytes.length) {
    const { next, op } = decodeCommand(bytes, i, state);
    i = next;
    if (!op) continue;
    if (op.kind === 'text' && text && sameRun(text, op)) {
      text.chars.push(...op.chars);
      continue;
    }
    if (text) yield text;
    text = undefined;
    if (op.kind === 'text') text = op;
    else yield op;
  }
  if (text) yield text;
}

/**
 * Decodes the one command or character at `i`, updating `state` as the printer would. A command
 * cut off by the end of `bytes` is decoded as far as it goes (with `next` past the end); decoding
 * it again once the rest has arrived sets everything again from the real bytes.
 */
export function decodeCommand(bytes: Uint8Array, i: number, state: DecoderState): DecodedCommand {
  const b = bytes[i]!;
  const at = (k: number) => bytes[i + k] ?? 0;
  if (b === LF) return { next: i + 1, op: { kind: 'newline' } };
  if (b === HT) return { next: i + 1, op: { kind: 'tab' } };
  if (b === ESC) return decodeEsc(bytes, i, state);
  if (b === FS) return { next: i + decodeFs(at, state) };
  // DLE EOT n / DLE ENQ n: real-time requests, answered on arrival; they print nothing.
  if (b === DLE) return { next: i + 3 };
  if (b === GS) return decodeGs(bytes, i, state);
  // CR and the other control bytes print nothing.
  if (b < 0x20 || b === 0x7f) return { next: i + 1 };
  if (state.chinese && b >= 0x81 && b <= 0xfe) return decodeGb18030(bytes, i, state);
  const char = b < 0x80 ? String.fromCharCode(b) : iconv.decode(Buffer.of(b), state.codePage);
  return { next: i + 1, op: textOp([char], false, state) };
}

/** ESC x ...: settings, feeds, positions and the older cuts. */
function decodeEsc(bytes: Uint8Array, i: number, state: DecoderState): DecodedCommand {
  const at = (k: number) => bytes[i + k] ?? 0;
  const c = at(1);
  const n = at(2);
  if (setEscStyle(c, n, state.style)) return { next: i + 3 };
  switch (c) {
    case 0x40: // ESC @
      // Chinese-model printers come up in Chinese mode and others do not, so the job's own
      // FS & / FS . choice is kept across a reset rather than guessed.
      state.style = defaultTextStyle();
      state.align = 'left';
      state.lineSpacing = DEFAULT_LINE_SPACING;
      return { next: i + 2, op: { kind: 'line-spacing', dots: state.lineSpacing } };
    case 0x32: // ESC 2
      state.lineSpacing = DEFAULT_LINE_SPACING;
      return { next: i + 2, op: { kind: 'line-spacing', dots: state.lineSpacing } };
    case 0x33: // ESC 3 n
      state.lineSpacing = n;
      return { next: i + 3, op: { kind: 'line-spacing', dots: state.lineSpacing } };
    case 0x61: // ESC a n
      state.align = ALIGNMENTS[n % 48] ?? 'left';
      return { next: i + 3 };
    case 0x74: // ESC t n
      state.codePage = CODE_PAGES[n] ?? 'cp437';
      return { next: i + 3 };
    case 0x64: // ESC d n: print and feed n lines
      return { next: i + 3, op: { kind: 'feed', dots: n * state.lineSpacing } };
    case 0x4a: // ESC J n: print and feed n dots
      return { next: i + 3, op: { kind: 'feed', dots: n } };
    case 0x24: // ESC $ nL nH: absolute position
      return { next: i + 4, op: { kind: 'position', dots: n + at(3) * 256 } };
    case 0x5c: // ESC \ nL nH: relative position
    case 0x42: // ESC B n t: buzzer
    case 0x63: // ESC c x n: panel and sensor settings
      return { next: i + 4 };
    case 0x70: // ESC p m t1 t2: cash drawer
      return { next: i + 5 };
    case 0x69: // ESC i / ESC m: cuts on older printers
    case 0x6d:
      return { next: i + 2, op: { kind: 'cut', feedDots: 0 } };
    case 0x2a: {
      // ESC * m nL nH d...: a column bit image; stepped over (receipts use GS v 0).
      const columns = n === 32 || n === 33 ? 3 : 1;
      return { next: i + 5 + (at(3) + at(4) * 256) * columns };
    }
    default:
      return { next: i + 3 };
  }
}

/** ESC E, G, -, !, M: the text style; false for any other command. */
function setEscStyle(c: number, n: number, style: TextStyle): boolean {
  switch (c) {
    case 0x45: // ESC E n
    case 0x47: // ESC G n: double-strike looks bold on thermal paper
      style.bold = (n & 1) === 1;
      return true;
    case 0x2d: // ESC - n
      style.underline = n % 48 <= 2 ? n % 48 : 0;
      return true;
    case 0x21: // ESC ! n
      style.font = n & 0x01 ? 'B' : 'A';
      style.bold = (n & 0x08) !== 0;
      style.heightScale = n & 0x10 ? 2 : 1;
      style.widthScale = n & 0x20 ? 2 : 1;
      style.underline = n & 0x80 ? 1 : 0;
      return true;
    case 0x4d: // ESC M n
      style.font = n % 48 === 1 ? 'B' : 'A';
      return true;
    default:
      return false;
  }
}

/** FS x ...: Chinese mode and Chinese characters' own size; returns the command's length. */
function decodeFs(at: (k: number) => number, state: DecoderState): number {
  const c = at(1);
  if (c === 0x26 || c === 0x2e) {
    state.chinese = c === 0x26; // FS & enters Chinese mode, FS . leaves it
    return 2;
  }
  if (c === 0x21) {
    // FS ! n: sets double width or height for Chinese characters, clears neither.
    const n = at(2);
    if (n & 0x04) state.style.widthScale = 2;
    if (n & 0x08) state.style.heightScale = 2;
  }
  return c === 0x53 || c === 0x70 ? 4 : 3; // FS S n1 n2, FS p n m
}

function decodeGs(bytes: Uint8Array, i: number, state: DecoderState): DecodedCommand {
  const at = (k: number) => bytes[i + k] ?? 0;
  const c = at(1);
  const n = at(2);
  const style = state.style;
  switch (c) {
    case 0x28: // GS ( x pL pH ...: every GS ( function carries its own length
      return decodeGsParen(bytes, i, state);
    case 0x56: {
      // GS V m [n]: a cut; functions B (0x41, 0x42) feed n dots first.
      const withArgument = [0x41, 0x42, 0x61, 0x62, 0x67, 0x68].includes(n);
      const feedDots = n === 0x41 || n === 0x42 ? at(3) : 0;
      return { next: i + (withArgument ? 4 : 3), op: { kind: 'cut', feedDots } };
    }
    case 0x21: // GS ! n: character size
      style.widthScale = ((n >> 4) & 7) + 1;
      style.heightScale = (n & 7) + 1;
      return { next: i + 3 };
    case 0x42: // GS B n: reverse printing
      style.reverse = (n & 1) === 1;
      return { next: i + 3 };
    case 0x76:
      return n === 0x30 ? decodeRaster(bytes, i, state) : { next: i + 3 };
    case 0x6b: // GS k m ...: a barcode; stepped over, receipts link with QR codes
      return { next: barcodeEnd(bytes, i) };
    case 0x4c: // two-byte arguments: left margin, print width, motion units, positions
    case 0x57:
    case 0x50:
    case 0x24:
    case 0x5c:
      return { next: i + 4 };
    default:
      return { next: i + 3 };
  }
}

/** GS ( k: the QR code functions (model, module size, error correction, store, print). */
function decodeGsParen(bytes: Uint8Array, i: number, state: DecoderState): DecodedCommand {
  const at = (k: number) => bytes[i + k] ?? 0;
  const length = at(3) + at(4) * 256;
  const next = i + 5 + length;
  if (at(2) !== 0x6b || at(5) !== 0x31) return { next };
  const qr = state.qr;
  switch (at(6)) {
    case 0x43:
      qr.moduleSize = Math.min(16, Math.max(1, at(7)));
      return { next };
    case 0x45:
      qr.errorCorrection = ERROR_CORRECTION[at(7) - 48] ?? 'L';
      return { next };
    case 0x50: // store: fn, m, then the data
      qr.data = bytes.subarray(i + 8, next);
      return { next };
    case 0x51:
      return { next, op: { kind: 'qr', ...qr, align: state.align } };
    default:
      return { next };
  }
}

/** GS v 0 m xL xH yL yH d...: a raster image (a logo). */
function decodeRaster(bytes: Uint8Array, i: number, state: DecoderState): DecodedCommand {
  const at = (k: number) => bytes[i + k] ?? 0;
  const mode = at(3);
  const widthBytes = at(4) + at(5) * 256;
  const height = at(6) + at(7) * 256;
  const next = i + 8 + widthBytes * height;
  return {
    next,
    op: {
      kind: 'raster',
      widthBytes,
      height,
      doubleWidth: (mode & 1) !== 0,
      doubleHeight: (mode & 2) !== 0,
      data: bytes.subarray(i + 8, next),
      align: state.align,
    },
  };
}

/** GS k m ...: barcode systems 0-6 end their data with NUL, the others give its length. */
function barcodeEnd(bytes: Uint8Array, i: number): number {
  if ((bytes[i + 2] ?? 0) > 6) return i + 4 + (bytes[i + 3] ?? 0);
  let j = i + 3;
  while (j < bytes.length && bytes[j] !== 0) j++;
  return j + 1;
}

/**
 * A GB18030 character in Chinese mode: two bytes, or four (the second and fourth digits). A byte
 * that starts no character prints as a replacement character, and what follows is read afresh.
 */
function decodeGb18030(bytes: Uint8Array, i: number, state: DecoderState): DecodedCommand {
  const b2 = bytes[i + 1];
  const b3 = bytes[i + 2];
  const b4 = bytes[i + 3];
  const digit = (b: number) => b >= 0x30 && b <= 0x39;
  const lead = (b: number) => b >= 0x81 && b <= 0xfe;
  // Cut off by the end of the bytes: the rest may still be on its way.
  if (b2 === undefined) return { next: i + 2, op: textOp(['\ufffd'], false, state) };
  if (digit(b2) && (b3 === undefined || (lead(b3) && b4 === undefined)))
    return { next: i + 4, op: textOp(['\ufffd'], true, state) };
  let length = 0;
  if (digit(b2) && lead(b3!) && digit(b4!)) length = 4;
  else if (b2 >= 0x40 && b2 <= 0xfe && b2 !== 0x7f) length = 2;
  if (length === 0) return { next: i + 1, op: textOp(['\ufffd'], false, state) };
  const char = iconv.decode(Buffer.from(bytes.subarray(i, i + length)), 'gb18030');
  // Codes with no character (beyond U+10FFFF, or a control) print as the replacement character.
  return { next: i + length, op: textOp([PRINTABLE.test(char) ? char : '\ufffd'], true, state) };
}

/** One character that can be printed (and written in XML): no control, no lone surrogate. */
const PRINTABLE = /^(?:[\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd]|[\ud800-\udbff][\udc00-\udfff])$/;

function textOp(chars: string[], wide: boolean, state: DecoderState): TextOp {
  return { kind: 'text', chars, wide, style: { ...state.style }, align: state.align };
}

function sameRun(a: TextOp, b: TextOp): boolean {
  const keys = Object.keys(a.style) as (keyof TextStyle)[];
  return a.wide === b.wide && a.align === b.align && keys.every((k) => a.style[k] === b.style[k]);
}
