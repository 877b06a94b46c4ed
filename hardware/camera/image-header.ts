/**
 * What an image file says it is, read from its header without decoding a pixel, and the limits
 * a caller holds it to. Decoding cost grows with the declared size, not the file's (a 1x25,000,000
 * PNG is a few hundred bytes and decodes for minutes), so the declared size is judged first.
 */
import { MAX_CAMERA_FRAME_CHARS } from '../../core/kiosk-api.ts';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageLimits {
  /** The formats the caller accepts; anything else is refused, whatever the file name or URL said. */
  formats: readonly ImageFormat[];
  maxBytes: number;
  maxWidth: number;
  maxHeight: number;
  maxPixels: number;
}

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

export type HeaderProblem = 'corrupt' | 'unsupported-format';

/**
 * Photos from files (enrolment, tools, fixtures): at most 4096 px a side, 16 megapixels, 32 MiB.
 * Decoding that much takes seconds, which only tools and enrolment ever wait for.
 */
export const PHOTO_LIMITS: ImageLimits = {
  formats: ['png', 'jpeg'],
  maxBytes: 32 * 2 ** 20,
  maxWidth: 4096,
  maxHeight: 4096,
  maxPixels: 16_000_000,
};

/** Without a configured camera size, a renderer frame is at most full HD. */
export const DEFAULT_CAMERA_FRAME_SIZE = { width: 1920, height: 1080 };

/**
 * Frames the renderer sends: JPEG only, no larger than the camera's configured size (the renderer
 * only ever scales down) and no more bytes than the one documented frame maximum allows.
 */
export function cameraFrameLimits(size = DEFAULT_CAMERA_FRAME_SIZE): ImageLimits {
  return {
    formats: ['jpeg'],
    // The data URL's base64 carries 3 bytes per 4 characters.
    maxBytes: Math.ceil((MAX_CAMERA_FRAME_CHARS * 3) / 4),
    maxWidth: size.width,
    maxHeight: size.height,
    maxPixels: size.width * size.height,
  };
}

export class HeaderError extends Error {
  constructor(
    readonly problem: HeaderProblem,
    message: string,
  ) {
    super(message);
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 4 && PNG_SIGNATURE.slice(0, 4).every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg';
  return undefined;
}

/** Declared format and size; throws HeaderError when the header is missing, cut short or odd. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffFormat(bytes);
  if (format === 'png') return readPngHeader(bytes);
  if (format === 'jpeg') return readJpegHeader(bytes);
  throw new HeaderError('unsupported-format', 'not a PNG or JPEG image');
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/**
 * The IHDR chunk, which must come first. Every chunk is walked (lengths only, no inflating) so a
 * second IHDR further on cannot smuggle in another size for the decoder to honour.
 */
function readPngHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length < 33 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b))
    throw new HeaderError('corrupt', 'PNG header is cut short');
  const v = view(bytes);
  if (v.getUint32(8) !== 13 || chunkType(bytes, 12) !== 'IHDR')
    throw new HeaderError('corrupt', 'PNG does not start with its IHDR chunk');
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  if (width === 0 || height === 0) throw new HeaderError('corrupt', 'PNG header declares no size');
  for (let at = 33; at + 8 <= bytes.length;) {
    const length = v.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (type === 'IHDR') throw new HeaderError('corrupt', 'PNG has a second IHDR chunk');
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return { format: 'png', width, height };
}

// Start-of-frame markers jpeg-js decodes: baseline, extended sequential, progressive (Huffman).
const DECODABLE_SOF = new Set([0xc0, 0xc1, 0xc2]);
// The other SOFn (arithmetic, lossless, hierarchical); 0xc4, 0xc8 and 0xcc are not frames.
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The frame header (SOFn), walking the marker segments up to the first scan. */
function readJpegHeader(bytes: Uint8Array): ImageHeader {
  const v = view(bytes);
  let at = 2;
  for (;;) {
    if (at + 2 > bytes.length)
      throw new HeaderError('corrupt', 'JPEG ends before its frame header');
    if (bytes[at] !== 0xff)
      throw new HeaderError('corrupt', 'JPEG segment does not start with a marker');
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte before a marker
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda)
      throw new HeaderError('corrupt', 'JPEG has no frame header before its data');
    if (at + 4 > bytes.length) throw new HeaderError('corrupt', 'JPEG segment is cut short');
    const length = v.getUint16(at + 2);
    if (length < 2 || at + 2 + length > bytes.length)
      throw new HeaderError('corrupt', 'JPEG segment runs past the end of the file');
    if (OTHER_SOF.has(marker))
      throw new HeaderError('unsupported-format', 'JPEG coding is not baseline or progressive');
    if (DECODABLE_SOF.has(marker)) {
      if (length < 8) throw new HeaderError('corrupt', 'JPEG frame header is cut short');
      const height = v.getUint16(at + 5);
      const width = v.getUint16(at + 7);
      // A height of 0 defers it to a later DNL marker, which would escape the limits.
      if (height === 0 || width === 0)
        throw new HeaderError('corrupt', 'JPEG frame header declares no size');
      return { format: 'jpeg', width, height };
    }
    at += 2 + length;
  }
}

/** Why these limits refuse this header, or undefined when they allow it. */
export function exceedsLimits(header: ImageHeader, limits: ImageLimits): string | undefined {
  const { width, height } = header;
  if (width > limits.maxWidth || height > limits.maxHeight)
    return `image is ${width}x${height}, over ${limits.maxWidth}x${limits.maxHeight}`;
  if (width * height > limits.maxPixels)
    return `image is ${width}x${height}, over ${limits.maxPixels} pixels`;
  return undefined;
}
