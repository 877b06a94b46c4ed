/**
 * Glyph outlines for the picture of a receipt (receipt-image.ts), from the system fonts: Noto
 * Sans Mono CJK SC, whose Latin glyphs are half a CJK glyph wide, as on the printer.
 */
import { Resvg } from '@resvg/resvg-js';

export const FALLBACK_FAMILY = 'Noto Sans Mono CJK SC';
const FONT_FAMILY = `'${FALLBACK_FAMILY}', 'Noto Sans CJK SC', monospace`;

export const escapeXml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** One glyph's outline is the same wherever it is drawn: its text, weight and size. */
export const glyphKey = (text: string, bold: boolean, fontSize: number) =>
  `${bold ? 'b' : 'r'}${fontSize}:${text}`;

/**
 * Glyph outlines by key, with the baseline origin at 0,0. resvg re-reads the font file for every
 * glyph it lays out, and the CJK collection is 20 MB, so laying out a receipt as text takes
 * seconds; each distinct glyph is outlined once (in one batch) and reused, which makes a receipt
 * in familiar characters render in tens of milliseconds.
 */
const outlineCache = new Map<string, string>();
const MAX_CACHED_GLYPHS = 8000;

/** The outline (an SVG path) of each key; empty for a glyph the fonts do not draw. */
export function glyphOutlines(keys: string[]): Map<string, string> {
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
