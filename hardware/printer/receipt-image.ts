/**
 * Draws a receipt's ESC/POS bytes as a picture of the paper, so a tester sees what a patient
 * would take away: alignment, bold, double size, Chinese text, line wraps where the printer would
 * wrap them, a QR code a phone can scan, and where the paper was cut (or that it never was: paper
 * out mid-receipt).
 *
 * The bytes are read by escpos-decoder.ts and laid out as an 80 mm printer in 42-column mode
 * does (512-dot print width, font A 12x24, Chinese 24x24), drawn as SVG and rasterised by resvg.
 * Each glyph is placed on its own printer cell rather than left to the font's advances, so the
 * columns are the printer's columns even with a fallback font (receipt-glyphs.ts).
 */
import { Resvg } from '@resvg/resvg-js';
import QRCode from 'qrcode';
import {
  type Alignment,
  DEFAULT_LINE_SPACING,
  decodeEscPos,
  type EscPosOp,
  type TextStyle,
} from './escpos-decoder.ts';
import { escapeXml, FALLBACK_FAMILY, glyphKey, glyphOutlines } from './receipt-glyphs.ts';

export interface ReceiptImageOptions {
  /** 80 mm roll (512-dot print width, 42 columns) or 58 mm (384 dots, 32 columns). */
  paper?: '80mm' | '58mm';
}

export interface QrPlacement {
  /** Top-left corner of the symbol (without quiet zone), in image pixels. */
  x: number;
  y: number;
  moduleSize: number;
  /** Modules per side. */
  modules: number;
  data: Uint8Array;
}

export interface ReceiptSvg {
  svg: string;
  width: number;
  height: number;
  /** True when a cut (GS V) ended the receipt; false when the bytes stopped before one. */
  cut: boolean;
  qrCodes: QrPlacement[];
}

const PAPERS = {
  '80mm': { width: 576, printWidth: 512 },
  '58mm': { width: 432, printWidth: 384 },
} as const;

type PaperSize = (typeof PAPERS)[keyof typeof PAPERS];
type Op<K extends EscPosOp['kind']> = Extract<EscPosOp, { kind: K }>;

const TOP_MARGIN = 24;
const BOTTOM_MARGIN = 32;
/** A runaway feed (ESC d 255 in a loop) must not make an image nobody can open. */
const MAX_HEIGHT = 20_000;
/** Noto CJK's ideographic box sits 0.88 em above the baseline: this puts it inside the cell. */
const BASELINE = 0.88;
const QUIET_ZONE_MODULES = 4;
/** HT: a tab stop every 8 columns of font A. */
const TAB_DOTS = 96;

interface Glyph {
  text: string;
  /** Dots from the start of the line. */
  x: number;
  cellW: number;
  cellH: number;
  fontSize: number;
  style: TextStyle;
}

/** A glyph on the paper: its outline is looked up by key, then drawn at its baseline origin. */
interface PlacedGlyph {
  key: string;
  x: number;
  y: number;
  sx: number;
  sy: number;
  white: boolean;
}

interface Line {
  glyphs: Glyph[];
  width: number;
  align: Alignment;
}

/**
 * The paper as the printer fills it, top to bottom: what is drawn (SVG shapes and glyphs, in
 * order), where the QR codes are, and how far down the paper has moved.
 */
class Paper {
  readonly parts: (string | PlacedGlyph)[] = [];
  readonly qrCodes: QrPlacement[] = [];
  y = TOP_MARGIN;
  cut = false;
  /** The picture reached MAX_HEIGHT: nothing more is drawn. */
  truncated = false;
  readonly left: number;
  private line: Line = { glyphs: [], width: 0, align: 'left' };
  private lineSpacing = DEFAULT_LINE_SPACING;

  constructor(readonly size: PaperSize) {
    this.left = (size.width - size.printWidth) / 2;
  }

  get done(): boolean {
    return this.cut || this.truncated;
  }

  place(op: EscPosOp): void {
    switch (op.kind) {
      case 'text':
        for (const char of op.chars) {
          if (this.done) return;
          this.addGlyph(char, op);
        }
        return;
      case 'newline':
        return this.flushLine();
      case 'tab':
        return this.tab();
      case 'position':
        this.line.width = Math.min(this.size.printWidth, op.dots);
        return;
      case 'line-spacing':
        this.lineSpacing = op.dots;
        return;
      case 'feed':
        this.endLine();
        this.y += op.dots;
        return;
      case 'qr':
        return this.printQr(op);
      case 'raster':
        return this.printRaster(op);
      case 'cut':
        this.endLine();
        this.y += op.feedDots;
        this.cut = true;
        return;
    }
  }

  /** Ends the current line if it has anything on it (graphics and feeds start a fresh line). */
  endLine(): void {
    if (this.line.glyphs.length > 0) this.flushLine();
  }

  private alignedX(width: number, align: Alignment): number {
    const room = this.size.printWidth - width;
    return this.left + Math.max(0, align === 'center' ? room / 2 : align === 'right' ? room : 0);
  }

  private flushLine(): void {
    const line = this.line;
    const tallest = Math.max(0, ...line.glyphs.map((g) => g.cellH * g.style.heightScale));
    const pitch = Math.max(this.lineSpacing, tallest);
    const x0 = this.alignedX(line.width, line.align);
    for (const g of line.glyphs) this.drawGlyph(g, x0 + g.x, tallest);
    this.y += pitch;
    this.line = { glyphs: [], width: 0, align: 'left' };
    if (this.y > MAX_HEIGHT) this.truncated = true;
  }

  private drawGlyph(g: Glyph, x: number, tallest: number): void {
    const { style } = g;
    const w = g.cellW * style.widthScale;
    const h = g.cellH * style.heightScale;
    // Characters of different heights share a bottom line, as on paper.
    const top = this.y + tallest - h;
    if (style.reverse) this.parts.push(`<rect x="${x}" y="${top}" width="${w}" height="${h}"/>`);
    if (style.underline > 0) {
      const thickness = style.underline * style.heightScale;
      this.parts.push(
        `<rect x="${x}" y="${top + h - thickness}" width="${w}" height="${thickness}"/>`,
      );
    }
    if (g.text.trim() === '') return;
    this.parts.push({
      key: glyphKey(g.text, style.bold, g.fontSize),
      x,
      y: round(top + g.cellH * BASELINE * style.heightScale),
      sx: style.widthScale,
      sy: style.heightScale,
      white: style.reverse,
    });
  }

  private addGlyph(text: string, op: Op<'text'>): void {
    const small = op.style.font === 'B' && !op.wide;
    const cellH = small ? 17 : 24;
    const cellW = (small ? 9 : 12) * (op.wide ? 2 : 1);
    const w = cellW * op.style.widthScale;
    // A printer wraps a line that does not fit instead of dropping the rest of it.
    if (this.line.width + w > this.size.printWidth && this.line.glyphs.length > 0) this.flushLine();
    const line = this.line;
    if (line.glyphs.length === 0) line.align = op.align;
    line.glyphs.push({
      text,
      x: line.width,
      cellW,
      cellH,
      fontSize: small ? 18 : 24,
      style: op.style,
    });
    line.width += w;
  }

  private tab(): void {
    const next = (Math.floor(this.line.width / TAB_DOTS) + 1) * TAB_DOTS;
    if (next < this.size.printWidth) this.line.width = next;
  }

  private printQr(op: Op<'qr'>): void {
    this.endLine();
    if (op.data.length === 0) return;
    const data = op.data.slice();
    let modules;
    try {
      modules = QRCode.create([{ data, mode: 'byte' }], {
        errorCorrectionLevel: op.errorCorrection,
      }).modules;
    } catch {
      return; // data too long for any QR version: the printer prints nothing either
    }
    const { moduleSize } = op;
    const size = modules.size * moduleSize;
    const quiet = QUIET_ZONE_MODULES * moduleSize;
    const x0 = this.alignedX(size, op.align);
    // A phone needs white around the symbol; on paper the feed gives it, here we draw it.
    const y0 = this.y + quiet;
    for (let r = 0; r < modules.size; r++) {
      this.drawRuns(
        modules.size,
        (c) => Boolean(modules.get(r, c)),
        (start, end) =>
          `<rect x="${x0 + start * moduleSize}" y="${y0 + r * moduleSize}" width="${(end - start) * moduleSize}" height="${moduleSize}"/>`,
      );
    }
    this.qrCodes.push({ x: x0, y: y0, moduleSize, modules: modules.size, data });
    this.y = y0 + size + quiet;
  }

  private printRaster(op: Op<'raster'>): void {
    this.endLine();
    const { widthBytes, data } = op;
    const height = Math.min(op.height, MAX_HEIGHT);
    const sx = op.doubleWidth ? 2 : 1;
    const sy = op.doubleHeight ? 2 : 1;
    const x0 = this.alignedX(widthBytes * 8 * sx, op.align);
    for (let r = 0; r < height; r++) {
      const dot = (col: number) =>
        ((data[r * widthBytes + (col >> 3)] ?? 0) & (0x80 >> (col & 7))) !== 0;
      this.drawRuns(
        widthBytes * 8,
        dot,
        (start, end) =>
          `<rect x="${x0 + start * sx}" y="${this.y + r * sy}" width="${(end - start) * sx}" height="${sy}"/>`,
      );
    }
    this.y += height * sy;
    if (this.y > MAX_HEIGHT) this.truncated = true;
  }

  /** One rectangle per run of dark dots in a row of `length` dots. */
  private drawRuns(
    length: number,
    dark: (col: number) => boolean,
    rect: (start: number, end: number) => string,
  ): void {
    let c = 0;
    while (c < length) {
      if (!dark(c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < length && dark(c)) c++;
      this.parts.push(rect(start, c));
    }
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Interprets the ESC/POS bytes of one receipt and draws them as an SVG of the paper. */
export function receiptToSvg(bytes: Uint8Array, options: ReceiptImageOptions = {}): ReceiptSvg {
  const paper = new Paper(PAPERS[options.paper ?? '80mm']);
  for (const op of decodeEscPos(bytes)) {
    if (paper.done) break;
    paper.place(op);
  }
  paper.endLine();

  const { width } = paper.size;
  const height = Math.min(paper.y, MAX_HEIGHT) + BOTTOM_MARGIN;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    ...drawing(paper.parts, width, height),
    ...edge(paper, height),
    `</svg>`,
  ].join('\n');
  return { svg, width, height, cut: paper.cut, qrCodes: paper.qrCodes };
}

/** The paper and what is printed on it, each distinct glyph outlined once and reused. */
function drawing(parts: (string | PlacedGlyph)[], width: number, height: number): string[] {
  const glyphs = parts.filter((p): p is PlacedGlyph => typeof p !== 'string');
  const outlines = glyphOutlines([...new Set(glyphs.map((g) => g.key))]);
  const ids = new Map<string, string>();
  const defs: string[] = [];
  for (const [key, d] of outlines) {
    if (!d) continue;
    ids.set(key, `g${ids.size}`);
    defs.push(`<path id="g${ids.size - 1}" d="${d}"/>`);
  }
  const body = parts.map((p) => {
    if (typeof p === 'string') return p;
    const id = ids.get(p.key);
    if (!id) return '';
    const scale = p.sx !== 1 || p.sy !== 1 ? ` scale(${p.sx} ${p.sy})` : '';
    return `<use href="#${id}" transform="translate(${p.x} ${p.y})${scale}"${p.white ? ' fill="#fff"' : ''}/>`;
  });
  return [
    `<defs>${defs.join('')}</defs>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<g fill="#000" shape-rendering="crispEdges">`,
    ...body.filter(Boolean),
    `</g>`,
  ];
}

/** A dashed line where the paper was cut, or a torn edge where the receipt stopped without one. */
function edge(paper: Paper, height: number): string[] {
  const { width } = paper.size;
  if (paper.cut) {
    return [
      `<line x1="0" y1="${height - 1}" x2="${width}" y2="${height - 1}" stroke="#999" stroke-dasharray="8 6"/>`,
    ];
  }
  // No cut: the receipt stopped mid-way (paper out, or the job was cut short). Show a torn edge
  // and say so, since a tester would otherwise take it for a short receipt.
  const teeth: string[] = [];
  for (let x = 0; x <= width; x += 16) teeth.push(`${x},${height - (x % 32 ? 10 : 0)}`);
  const note = paper.truncated
    ? 'image truncated here'
    : 'no cut: the receipt ended here (paper out?)';
  return [
    `<polygon points="0,${height} ${teeth.join(' ')} ${width},${height}" fill="#d33"/>`,
    `<text x="${paper.left}" y="${height - 14}" font-size="14" fill="#d33">${escapeXml(note)}</text>`,
  ];
}

/** The receipt as a PNG, e.g. for the simulator control API and test artifacts. */
export function renderReceiptPng(
  escposBytes: Uint8Array,
  options: ReceiptImageOptions = {},
): Uint8Array {
  const { svg } = receiptToSvg(escposBytes, options);
  // Glyphs are already outlines; only the small "no cut" note is text.
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: FALLBACK_FAMILY },
    background: '#fff',
    shapeRendering: 1,
  });
  return new Uint8Array(resvg.render().asPng());
}
