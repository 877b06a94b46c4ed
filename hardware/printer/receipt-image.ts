/**
 * Renders the ESC/POS bytes the simulated printer kept into a picture of the paper, so a tester
 * sees what a patient would take away: alignment, bold, double size, Chinese text, line wraps
 * where the printer would wrap them, a QR code a phone can scan, and where the paper was cut (or
 * that it never was: paper out mid-receipt).
 *
 * The bytes are interpreted as an 80 mm printer in 42-column mode does (512-dot print width,
 * font A 12x24, Chinese 24x24, after FS & in GB18030), drawn as SVG and rasterised by resvg.
 * Glyphs come from the system fonts (Noto Sans Mono CJK SC, whose Latin glyphs are half a CJK
 * glyph wide, as on the printer) and each is placed on its own printer cell rather than left to
 * the font's advances, so the columns are the printer's columns even with a fallback font.
 */
import { Resvg } from '@resvg/resvg-js';
import iconv from 'iconv-lite';
import QRCode from 'qrcode';

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

const FALLBACK_FAMILY = 'Noto Sans Mono CJK SC';
const FONT_FAMILY = `'${FALLBACK_FAMILY}', 'Noto Sans CJK SC', monospace`;
const TOP_MARGIN = 24;
const BOTTOM_MARGIN = 32;
/** ESC 2: the printer's default line pitch, in dots. */
const DEFAULT_LINE_SPACING = 30;
/** A runaway feed (ESC d 255 in a loop) must not make an image nobody can open. */
const MAX_HEIGHT = 20_000;
/** Noto CJK's ideographic box sits 0.88 em above the baseline: this puts it inside the cell. */
const BASELINE = 0.88;
const QUIET_ZONE_MODULES = 4;

/** ESC t n -> the single-byte code page used outside Chinese mode. */
const CODE_PAGES: Record<number, string> = {
  0: 'cp437',
  2: 'cp850',
  16: 'windows-1252',
  17: 'cp866',
  19: 'cp858',
};

interface Style {
  bold: boolean;
  underline: number;
  reverse: boolean;
  fontB: boolean;
  wMul: number;
  hMul: number;
}

interface Glyph {
  text: string;
  /** Dots from the start of the line. */
  x: number;
  cellW: number;
  cellH: number;
  fontSize: number;
  style: Style;
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
  align: number;
}

const escapeXml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const glyphKey = (text: string, bold: boolean, fontSize: number) =>
  `${bold ? 'b' : 'r'}${fontSize}:${text}`;

/**
 * Glyph outlines by key, with the baseline origin at 0,0. resvg re-reads the font file for every
 * glyph it lays out, and the CJK collection is 20 MB, so laying out a receipt as text takes
 * seconds; each distinct glyph is outlined once (in one batch) and reused, which makes a receipt
 * in familiar characters render in tens of milliseconds.
 */
const outlineCache = new Map<string, string>();
const MAX_CACHED_GLYPHS = 8000;

function glyphOutlines(keys: string[]): Map<string, string> {
  const missing = keys.filter((k) => !outlineCache.has(k));
  if (missing.length > 0) {
    if (outlineCache.size + missing.length > MAX_CACHED_GLYPHS) outlineCache.clear();
    const texts = missing.map((key, n) => {
      const [, weight, size, text] = /^([br])(\d+):(.*)$/su.exec(key)!;
      return `<text id="o${n}" x="0" y="0" font-size="${size}"${weight === 'b' ? ' font-weight="bold"' : ''}>${escapeXml(text!)}</text>`;
    });
    const layout = new Resvg(
      `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><g font-family="${escapeXml(FONT_FAMILY)}" xml:space="preserve">${texts.join('')}</g></svg>`,
      { font: { loadSystemFonts: true, defaultFontFamily: FALLBACK_FAMILY } },
    ).toString();
    // usvg writes each text element as a group with the same id holding its glyphs as paths.
    const starts = [...layout.matchAll(/id="o(\d+)"/g)];
    missing.forEach((key) => outlineCache.set(key, ''));
    starts.forEach((m, n) => {
      const chunk = layout.slice(m.index, starts[n + 1]?.index ?? layout.length);
      const d = [...chunk.matchAll(/ d="([^"]*)"/g)].map((x) => x[1]).join(' ');
      outlineCache.set(missing[Number(m[1])]!, d);
    });
  }
  return new Map(keys.map((k) => [k, outlineCache.get(k) ?? '']));
}

/** Interprets the ESC/POS bytes of one receipt and draws them as an SVG of the paper. */
export function receiptToSvg(bytes: Uint8Array, options: ReceiptImageOptions = {}): ReceiptSvg {
  const paper = PAPERS[options.paper ?? '80mm'];
  const left = (paper.width - paper.printWidth) / 2;
  const parts: (string | PlacedGlyph)[] = [];
  const qrCodes: QrPlacement[] = [];
  const defaultStyle = (): Style => ({
    bold: false,
    underline: 0,
    reverse: false,
    fontB: false,
    wMul: 1,
    hMul: 1,
  });
  let style = defaultStyle();
  let align = 0;
  let lineSpacing = DEFAULT_LINE_SPACING;
  let chinese = false;
  let codePage = 'cp437';
  let qr: { data: Uint8Array | undefined; moduleSize: number; ec: 'L' | 'M' | 'Q' | 'H' } = {
    data: undefined,
    moduleSize: 3,
    ec: 'L',
  };
  let y = TOP_MARGIN;
  let line: Line = { glyphs: [], width: 0, align };
  let cut = false;
  let truncated = false;

  const alignedX = (width: number, alignment: number) =>
    left +
    (alignment === 1
      ? Math.max(0, (paper.printWidth - width) / 2)
      : alignment === 2
        ? Math.max(0, paper.printWidth - width)
        : 0);

  const flushLine = () => {
    const tallest = Math.max(0, ...line.glyphs.map((g) => g.cellH * g.style.hMul));
    const pitch = Math.max(lineSpacing, tallest);
    const x0 = alignedX(line.width, line.align);
    for (const g of line.glyphs) {
      const w = g.cellW * g.style.wMul;
      const h = g.cellH * g.style.hMul;
      const gx = x0 + g.x;
      // Characters of different heights share a bottom line, as on paper.
      const top = y + tallest - h;
      if (g.style.reverse) parts.push(`<rect x="${gx}" y="${top}" width="${w}" height="${h}"/>`);
      if (g.style.underline > 0)
        parts.push(
          `<rect x="${gx}" y="${top + h - g.style.underline * g.style.hMul}" width="${w}" height="${g.style.underline * g.style.hMul}"/>`,
        );
      if (g.text.trim() === '') continue;
      const key = glyphKey(g.text, g.style.bold, g.fontSize);
      parts.push({
        key,
        x: gx,
        y: round(top + g.cellH * BASELINE * g.style.hMul),
        sx: g.style.wMul,
        sy: g.style.hMul,
        white: g.style.reverse,
      });
    }
    y += pitch;
    line = { glyphs: [], width: 0, align };
    if (y > MAX_HEIGHT) truncated = true;
  };
  /** Ends the current line if it has anything on it (graphics and feeds start a fresh line). */
  const endLine = () => {
    if (line.glyphs.length > 0) flushLine();
  };

  const addGlyph = (text: string, wide: boolean) => {
    const cellH = style.fontB && !wide ? 17 : 24;
    const cellW = (style.fontB && !wide ? 9 : 12) * (wide ? 2 : 1);
    const w = cellW * style.wMul;
    // A printer wraps a line that does not fit instead of dropping the rest of it.
    if (line.width + w > paper.printWidth && line.glyphs.length > 0) flushLine();
    if (line.glyphs.length === 0) line.align = align;
    line.glyphs.push({
      text,
      x: line.width,
      cellW,
      cellH,
      fontSize: style.fontB && !wide ? 18 : 24,
      style: { ...style },
    });
    line.width += w;
  };

  const printQr = () => {
    endLine();
    if (!qr.data || qr.data.length === 0) return;
    let modules;
    try {
      modules = QRCode.create([{ data: qr.data, mode: 'byte' }], {
        errorCorrectionLevel: qr.ec,
      }).modules;
    } catch {
      return; // data too long for any QR version: the printer prints nothing either
    }
    const size = modules.size * qr.moduleSize;
    const quiet = QUIET_ZONE_MODULES * qr.moduleSize;
    const x0 = alignedX(size, align);
    // A phone needs white around the symbol; on paper the feed gives it, here we draw it.
    const y0 = y + quiet;
    for (let r = 0; r < modules.size; r++) {
      let c = 0;
      while (c < modules.size) {
        if (!modules.get(r, c)) {
          c++;
          continue;
        }
        const start = c;
        while (c < modules.size && modules.get(r, c)) c++;
        parts.push(
          `<rect x="${x0 + start * qr.moduleSize}" y="${y0 + r * qr.moduleSize}" width="${(c - start) * qr.moduleSize}" height="${qr.moduleSize}"/>`,
        );
      }
    }
    qrCodes.push({
      x: x0,
      y: y0,
      moduleSize: qr.moduleSize,
      modules: modules.size,
      data: qr.data,
    });
    y = y0 + size + quiet;
  };

  const printRaster = (widthBytes: number, height: number, mode: number, data: Uint8Array) => {
    endLine();
    const sx = mode & 1 ? 2 : 1;
    const sy = mode & 2 ? 2 : 1;
    const x0 = alignedX(widthBytes * 8 * sx, align);
    for (let r = 0; r < height; r++) {
      let c = 0;
      const dot = (col: number) =>
        ((data[r * widthBytes + (col >> 3)] ?? 0) & (0x80 >> (col & 7))) !== 0;
      while (c < widthBytes * 8) {
        if (!dot(c)) {
          c++;
          continue;
        }
        const start = c;
        while (c < widthBytes * 8 && dot(c)) c++;
        parts.push(
          `<rect x="${x0 + start * sx}" y="${y + r * sy}" width="${(c - start) * sx}" height="${sy}"/>`,
        );
      }
    }
    y += height * sy;
    if (y > MAX_HEIGHT) truncated = true;
  };

  let i = 0;
  const at = (k: number) => bytes[i + k] ?? 0;
  while (i < bytes.length && !cut && !truncated) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      flushLine();
      i += 1;
    } else if (b === 0x09) {
      // HT: next tab stop, every 8 columns of font A by default.
      const next = (Math.floor(line.width / 96) + 1) * 96;
      if (next < paper.printWidth) {
        if (line.glyphs.length === 0) line.align = align;
        line.width = next;
      }
      i += 1;
    } else if (b === 0x1b) {
      const c = at(1);
      const n = at(2);
      let length = 3;
      switch (c) {
        case 0x40: // ESC @
          // Chinese-model printers come up in Chinese mode and others do not, so the job's own
          // FS & / FS . choice is kept across a reset rather than guessed.
          style = defaultStyle();
          align = 0;
          lineSpacing = DEFAULT_LINE_SPACING;
          length = 2;
          break;
        case 0x32: // ESC 2
          lineSpacing = DEFAULT_LINE_SPACING;
          length = 2;
          break;
        case 0x33: // ESC 3 n
          lineSpacing = n;
          break;
        case 0x61: // ESC a n
          align = n % 48 <= 2 ? n % 48 : 0;
          break;
        case 0x45: // ESC E n
        case 0x47: // ESC G n: double-strike looks bold on thermal paper
          style.bold = (n & 1) === 1;
          break;
        case 0x2d: // ESC - n
          style.underline = n % 48 <= 2 ? n % 48 : 0;
          break;
        case 0x21: // ESC ! n
          style.fontB = (n & 0x01) !== 0;
          style.bold = (n & 0x08) !== 0;
          style.hMul = n & 0x10 ? 2 : 1;
          style.wMul = n & 0x20 ? 2 : 1;
          style.underline = n & 0x80 ? 1 : 0;
          break;
        case 0x4d: // ESC M n
          style.fontB = n % 48 === 1;
          break;
        case 0x74: // ESC t n
          codePage = CODE_PAGES[n] ?? 'cp437';
          break;
        case 0x64: // ESC d n: print and feed n lines
          endLine();
          y += n * lineSpacing;
          break;
        case 0x4a: // ESC J n: print and feed n dots
          endLine();
          y += n;
          break;
        case 0x24: // ESC $ nL nH: absolute position
          line.width = Math.min(paper.printWidth, n + at(3) * 256);
          length = 4;
          break;
        case 0x5c: // ESC \ nL nH: relative position
        case 0x42: // ESC B n t: buzzer
        case 0x63: // ESC c x n: panel and sensor settings
          length = 4;
          break;
        case 0x70: // ESC p m t1 t2: cash drawer
          length = 5;
          break;
        case 0x69: // ESC i / ESC m: cuts on older printers
        case 0x6d:
          endLine();
          cut = true;
          length = 2;
          break;
        case 0x2a: {
          // ESC * m nL nH d...: a column bit image; skipped (receipts use GS v 0).
          const columns = n === 32 || n === 33 ? 3 : 1;
          length = 5 + (at(3) + at(4) * 256) * columns;
          break;
        }
        default:
          length = 3;
      }
      i += length;
    } else if (b === 0x1c) {
      const c = at(1);
      let length = 3;
      if (c === 0x26) {
        chinese = true;
        length = 2;
      } else if (c === 0x2e) {
        chinese = false;
        length = 2;
      } else if (c === 0x21) {
        // FS ! n: Chinese characters' own size and underline.
        const n = at(2);
        if (n & 0x04) style.wMul = 2;
        if (n & 0x08) style.hMul = 2;
      } else if (c === 0x53 || c === 0x70) length = 4; // FS S n1 n2, FS p n m
      i += length;
    } else if (b === 0x10) {
      i += 3; // DLE EOT n / DLE ENQ n: real-time requests print nothing
    } else if (b === 0x1d) {
      const c = at(1);
      const n = at(2);
      if (c === 0x28) {
        // GS ( x pL pH ...: every GS ( function carries its own length.
        const len = at(3) + at(4) * 256;
        if (n === 0x6b && at(5) === 0x31) {
          const fn = at(6);
          if (fn === 0x43) qr = { ...qr, moduleSize: Math.min(16, Math.max(1, at(7))) };
          else if (fn === 0x45)
            qr = { ...qr, ec: (['L', 'M', 'Q', 'H'] as const)[at(7) - 48] ?? 'L' };
          else if (fn === 0x50) qr = { ...qr, data: bytes.slice(i + 8, i + 5 + len) };
          else if (fn === 0x51) printQr();
        }
        i += 5 + len;
      } else if (c === 0x56) {
        // GS V m [n]: the cut ends the receipt; function B feeds n dots first.
        endLine();
        if (n === 0x41 || n === 0x42 || n === 0x61 || n === 0x62 || n === 0x67 || n === 0x68) {
          y += n === 0x41 || n === 0x42 ? at(3) : 0;
          i += 4;
        } else i += 3;
        cut = true;
      } else if (c === 0x21) {
        style.wMul = ((n >> 4) & 7) + 1;
        style.hMul = (n & 7) + 1;
        i += 3;
      } else if (c === 0x42) {
        style.reverse = (n & 1) === 1;
        i += 3;
      } else if (c === 0x76 && n === 0x30) {
        // GS v 0 m xL xH yL yH d...: a raster image (a logo).
        const widthBytes = at(4) + at(5) * 256;
        const height = at(6) + at(7) * 256;
        const data = bytes.subarray(i + 8, i + 8 + widthBytes * height);
        printRaster(widthBytes, Math.min(height, MAX_HEIGHT), at(3), data);
        i += 8 + widthBytes * height;
      } else if (c === 0x6b) {
        // GS k m ...: a barcode; skipped, receipts link with QR codes.
        if (n <= 6) {
          let j = i + 3;
          while (j < bytes.length && bytes[j] !== 0) j++;
          i = j + 1;
        } else i += 4 + at(3);
      } else if (c === 0x4c || c === 0x57 || c === 0x50 || c === 0x24 || c === 0x5c) {
        i += 4; // two-byte arguments: left margin, print width, motion units, positions
      } else {
        i += 3;
      }
    } else if (b < 0x20 || b === 0x7f) {
      i += 1; // CR and other control bytes print nothing
    } else if (chinese && b >= 0x81 && b <= 0xfe) {
      const b2 = at(1);
      const four = b2 >= 0x30 && b2 <= 0x39;
      const length = four ? 4 : b2 >= 0x40 && b2 <= 0xfe && b2 !== 0x7f ? 2 : 1;
      const text =
        length === 1
          ? '\ufffd'
          : iconv.decode(Buffer.from(bytes.subarray(i, i + length)), 'gb18030');
      addGlyph(text, length > 1);
      i += length;
    } else {
      const text = b < 0x80 ? String.fromCharCode(b) : iconv.decode(Buffer.of(b), codePage);
      addGlyph(text, false);
      i += 1;
    }
  }
  endLine();

  const bottom = Math.min(y, MAX_HEIGHT);
  const height = bottom + BOTTOM_MARGIN;
  const edge: string[] = [];
  if (cut) {
    edge.push(
      `<line x1="0" y1="${height - 1}" x2="${paper.width}" y2="${height - 1}" stroke="#999" stroke-dasharray="8 6"/>`,
    );
  } else {
    // No cut: the receipt stopped mid-way (paper out, or the job was cut short). Show a torn edge
    // and say so, since a tester would otherwise take it for a short receipt.
    const teeth: string[] = [];
    for (let x = 0; x <= paper.width; x += 16) teeth.push(`${x},${height - (x % 32 ? 10 : 0)}`);
    edge.push(
      `<polygon points="0,${height} ${teeth.join(' ')} ${paper.width},${height}" fill="#d33"/>`,
      `<text x="${left}" y="${height - 14}" font-size="14" fill="#d33">${escapeXml(
        truncated ? 'image truncated here' : 'no cut: the receipt ended here (paper out?)',
      )}</text>`,
    );
  }
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
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${paper.width}" height="${height}" viewBox="0 0 ${paper.width} ${height}">`,
    `<defs>${defs.join('')}</defs>`,
    `<rect width="${paper.width}" height="${height}" fill="#fff"/>`,
    `<g fill="#000" shape-rendering="crispEdges">`,
    ...body.filter(Boolean),
    `</g>`,
    ...edge,
    `</svg>`,
  ].join('\n');
  return { svg, width: paper.width, height, cut, qrCodes };
}

const round = (n: number) => Math.round(n * 10) / 10;

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
