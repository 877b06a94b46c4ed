/**
 * A baseline JPEG encoder (ITU T.81: sequential DCT, Huffman, 4:4:4 YCbCr, JFIF) for the camera
 * previews the host makes several times a second.
 *
 * Why not jpeg-js's encoder: it builds its tables again for every picture, 65,535 small arrays
 * each time, so a preview a frame allocated ~25 MB on the host's thread. Under the kiosk's small
 * young generation (host/node-flags.ts) that garbage was promoted, and the old generation, which
 * V8 does not give back at once, grew to 110 MB by payment 40: most of the run-to-run spread of
 * the kiosk's resident memory (docs/performance.md). Here every table is made once per module
 * (quantisation once per quality), the RGB frame is read as it is (no RGBA copy), and a picture
 * allocates its output and little else. jpeg-js still decodes.
 */

import {
  CHROMA_QUANT,
  HUFFMAN_SPECS,
  LUMA_QUANT,
  ZIGZAG,
  type HuffmanSpec,
} from './jpeg-tables.ts';

/** A Huffman table as the encoder uses it: code and length by symbol (Annex C). */
interface HuffmanCodes {
  code: Uint16Array;
  length: Uint8Array;
}

function huffmanCodes(spec: HuffmanSpec): HuffmanCodes {
  const code = new Uint16Array(256);
  const length = new Uint8Array(256);
  let next = 0;
  let k = 0;
  for (let bits = 1; bits <= 16; bits++) {
    for (let i = 0; i < spec.counts[bits - 1]!; i++) {
      const symbol = spec.symbols[k++]!;
      code[symbol] = next++;
      length[symbol] = bits;
    }
    next <<= 1;
  }
  return { code, length };
}

const DC_LUMA = huffmanCodes(HUFFMAN_SPECS.dcLuma);
const DC_CHROMA = huffmanCodes(HUFFMAN_SPECS.dcChroma);
const AC_LUMA = huffmanCodes(HUFFMAN_SPECS.acLuma);
const AC_CHROMA = huffmanCodes(HUFFMAN_SPECS.acChroma);

/** The AAN DCT leaves coefficient (u, v) scaled by s[u] * s[v] * 8; the divisors undo it. */
const AAN_SCALE = [
  1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379,
];

interface Quantisation {
  /** The tables as written in DQT: zigzag order. */
  lumaZigzag: Uint8Array;
  chromaZigzag: Uint8Array;
  /** 1 / (q * AAN scale), natural order, for the DCT's output. */
  lumaScale: Float32Array;
  chromaScale: Float32Array;
}

const quantisations = new Map<number, Quantisation>();

function quantisation(quality: number): Quantisation {
  const cached = quantisations.get(quality);
  if (cached) return cached;
  const factor = quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
  const make = (base: readonly number[]) => {
    const zigzag = new Uint8Array(64);
    const scale = new Float32Array(64);
    for (let k = 0; k < 64; k++) {
      const natural = ZIGZAG[k]!;
      const q = Math.min(255, Math.max(1, Math.floor((base[natural]! * factor + 50) / 100)));
      zigzag[k] = q;
      scale[natural] = 1 / (q * AAN_SCALE[natural >> 3]! * AAN_SCALE[natural & 7]! * 8);
    }
    return { zigzag, scale };
  };
  const luma = make(LUMA_QUANT);
  const chroma = make(CHROMA_QUANT);
  const made = {
    lumaZigzag: luma.zigzag,
    chromaZigzag: chroma.zigzag,
    lumaScale: luma.scale,
    chromaScale: chroma.scale,
  };
  quantisations.set(quality, made);
  return made;
}

/** The AAN forward DCT (as in IJG's jfdctflt.c) on one 8x8 block, in place. */
function forwardDct(d: Float32Array): void {
  for (let pass = 0; pass < 2; pass++) {
    // Rows first (stride 1, step 8), then columns (stride 8, step 1).
    const stride = pass === 0 ? 1 : 8;
    const step = pass === 0 ? 8 : 1;
    for (let line = 0; line < 8; line++) {
      const o = line * step;
      const i0 = o;
      const i1 = o + stride;
      const i2 = o + 2 * stride;
      const i3 = o + 3 * stride;
      const i4 = o + 4 * stride;
      const i5 = o + 5 * stride;
      const i6 = o + 6 * stride;
      const i7 = o + 7 * stride;
      const tmp0 = d[i0]! + d[i7]!;
      const tmp7 = d[i0]! - d[i7]!;
      const tmp1 = d[i1]! + d[i6]!;
      const tmp6 = d[i1]! - d[i6]!;
      const tmp2 = d[i2]! + d[i5]!;
      const tmp5 = d[i2]! - d[i5]!;
      const tmp3 = d[i3]! + d[i4]!;
      const tmp4 = d[i3]! - d[i4]!;

      const tmp10 = tmp0 + tmp3;
      const tmp13 = tmp0 - tmp3;
      const tmp11 = tmp1 + tmp2;
      const tmp12 = tmp1 - tmp2;
      d[i0] = tmp10 + tmp11;
      d[i4] = tmp10 - tmp11;
      const z1 = (tmp12 + tmp13) * 0.707106781;
      d[i2] = tmp13 + z1;
      d[i6] = tmp13 - z1;

      const t10 = tmp4 + tmp5;
      const t11 = tmp5 + tmp6;
      const t12 = tmp6 + tmp7;
      const z5 = (t10 - t12) * 0.382683433;
      const z2 = 0.5411961 * t10 + z5;
      const z4 = 1.306562965 * t12 + z5;
      const z3 = t11 * 0.707106781;
      const z11 = tmp7 + z3;
      const z13 = tmp7 - z3;
      d[i5] = z13 + z2;
      d[i3] = z13 - z2;
      d[i1] = z11 + z4;
      d[i7] = z11 - z4;
    }
  }
}

/** Entropy-coded bytes with 0xFF stuffing, into a buffer that grows by doubling. */
class BitWriter {
  bytes: Uint8Array;
  length = 0;
  private bits = 0;
  private count = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  byte(value: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = value;
  }
  word(value: number): void {
    this.byte(value >> 8);
    this.byte(value & 0xff);
  }
  write(value: number, length: number): void {
    this.bits = (this.bits << length) | (value & ((1 << length) - 1));
    this.count += length;
    while (this.count >= 8) {
      this.count -= 8;
      const out = (this.bits >> this.count) & 0xff;
      this.byte(out);
      if (out === 0xff) this.byte(0);
    }
    this.bits &= (1 << this.count) - 1;
  }
  /** Pads the last byte with 1 bits, as the standard asks before a marker. */
  flush(): void {
    if (this.count > 0) this.write(0x7f, 8 - this.count);
  }
}

const block = new Float32Array(64);
const chroma = { cb: new Float32Array(64), cr: new Float32Array(64) };
const coefficients = new Int16Array(64);

/** Codes one component's block (its samples in `block`); returns its DC for the next one. */
function codeBlock(
  out: BitWriter,
  scale: Float32Array,
  previousDc: number,
  dc: HuffmanCodes,
  ac: HuffmanCodes,
): number {
  forwardDct(block);
  for (let k = 0; k < 64; k++) {
    const natural = ZIGZAG[k]!;
    // Clamped to what the Huffman tables can say (F.1.2: AC sizes 1-10, DC 11): rounding can
    // take an extreme coefficient at quality 100 just past it.
    const value = Math.round(block[natural]! * scale[natural]!);
    coefficients[k] = Math.max(-1023, Math.min(1023, value));
  }
  const diff = coefficients[0]! - previousDc;
  const dcSize = magnitudeBits(diff);
  out.write(dc.code[dcSize]!, dc.length[dcSize]!);
  if (dcSize) out.write(diff < 0 ? diff - 1 : diff, dcSize);

  let last = 63;
  while (last > 0 && coefficients[last] === 0) last--;
  let run = 0;
  for (let k = 1; k <= last; k++) {
    const value = coefficients[k]!;
    if (value === 0) {
      run++;
      continue;
    }
    for (; run >= 16; run -= 16) out.write(ac.code[0xf0]!, ac.length[0xf0]!);
    const size = magnitudeBits(value);
    const symbol = (run << 4) | size;
    out.write(ac.code[symbol]!, ac.length[symbol]!);
    // A negative value is sent as its one's complement in `size` bits (F.1.2.1).
    out.write(value < 0 ? value - 1 : value, size);
    run = 0;
  }
  if (last < 63) out.write(ac.code[0]!, ac.length[0]!);
  return coefficients[0]!;
}

function magnitudeBits(value: number): number {
  return value === 0 ? 0 : 32 - Math.clz32(Math.abs(value));
}

export interface RgbImage {
  width: number;
  height: number;
  /** RGB, 8 bits per channel, row-major. */
  data: Uint8Array;
}

/** A baseline JFIF JPEG of an RGB image; `quality` 1-100 as IJG scales it. */
export function encodeJpeg(image: RgbImage, quality = 70): Uint8Array {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`a JPEG needs a positive whole size, not ${width}x${height}`);
  if (width > 65535 || height > 65535)
    throw new RangeError(`a JPEG is at most 65535 pixels a side, not ${width}x${height}`);
  if (data.length < width * height * 3)
    throw new RangeError(`${width}x${height} RGB needs ${width * height * 3} bytes`);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new RangeError(`JPEG quality is a whole number 1-100, not ${quality}`);
  const q = quantisation(quality);
  const out = new BitWriter(Math.max(1024, (width * height) >> 1));
  writeHeaders(out, width, height, q);

  let dcY = 0;
  let dcCb = 0;
  let dcCr = 0;
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let row = 0; row < 8; row++) {
        // Blocks past the picture's edge repeat its last row and column.
        const y = Math.min(by + row, height - 1);
        for (let col = 0; col < 8; col++) {
          const x = Math.min(bx + col, width - 1);
          const p = (y * width + x) * 3;
          const r = data[p]!;
          const g = data[p + 1]!;
          const b = data[p + 2]!;
          const i = row * 8 + col;
          block[i] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
          chroma.cb[i] = -0.168736 * r - 0.331264 * g + 0.5 * b;
          chroma.cr[i] = 0.5 * r - 0.418688 * g - 0.081312 * b;
        }
      }
      dcY = codeBlock(out, q.lumaScale, dcY, DC_LUMA, AC_LUMA);
      block.set(chroma.cb);
      dcCb = codeBlock(out, q.chromaScale, dcCb, DC_CHROMA, AC_CHROMA);
      block.set(chroma.cr);
      dcCr = codeBlock(out, q.chromaScale, dcCr, DC_CHROMA, AC_CHROMA);
    }
  }
  out.flush();
  out.word(0xffd9); // EOI
  return out.bytes.slice(0, out.length);
}

function writeHeaders(out: BitWriter, width: number, height: number, q: Quantisation): void {
  out.word(0xffd8); // SOI
  // APP0 JFIF 1.1, no density, no thumbnail.
  for (const b of [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
    out.byte(b);
  out.word(0xffdb); // DQT: both tables, 8-bit
  out.word(2 + 2 * 65);
  out.byte(0);
  for (const v of q.lumaZigzag) out.byte(v);
  out.byte(1);
  for (const v of q.chromaZigzag) out.byte(v);
  out.word(0xffc0); // SOF0: 8 bits, three components, no subsampling
  out.word(8 + 3 * 3);
  out.byte(8);
  out.word(height);
  out.word(width);
  out.byte(3);
  for (const [id, table] of [
    [1, 0],
    [2, 1],
    [3, 1],
  ] as const) {
    out.byte(id);
    out.byte(0x11);
    out.byte(table);
  }
  out.word(0xffc4); // DHT: the four tables
  const specs = [
    [0x00, HUFFMAN_SPECS.dcLuma],
    [0x10, HUFFMAN_SPECS.acLuma],
    [0x01, HUFFMAN_SPECS.dcChroma],
    [0x11, HUFFMAN_SPECS.acChroma],
  ] as const satisfies readonly (readonly [number, HuffmanSpec])[];
  out.word(2 + specs.reduce((n, [, s]) => n + 17 + s.symbols.length, 0));
  for (const [classAndId, spec] of specs) {
    out.byte(classAndId);
    for (const c of spec.counts) out.byte(c);
    for (const s of spec.symbols) out.byte(s);
  }
  out.word(0xffda); // SOS: three components, full spectral range
  out.word(6 + 2 * 3);
  out.byte(3);
  out.byte(1);
  out.byte(0x00);
  out.byte(2);
  out.byte(0x11);
  out.byte(3);
  out.byte(0x11);
  out.byte(0);
  out.byte(63);
  out.byte(0);
}
