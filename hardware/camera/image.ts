/**
 * Image frames for the face engine: decoding (PNG, JPEG), padding, scaling and JPEG previews,
 * all in plain typed arrays so camera frames and image files take the same path. Frames live in
 * memory only; nothing here writes to disk.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { encodeJpeg } from './jpeg-encoder.ts';
import {
  exceedsLimits,
  HeaderError,
  type ImageHeader,
  type ImageLimits,
  PHOTO_LIMITS,
  readImageHeader,
} from './image-header.ts';

export {
  cameraFrameLimits,
  type ImageFormat,
  type ImageLimits,
  PHOTO_LIMITS,
} from './image-header.ts';

/** RGB, 8 bits per channel, row-major. */
export interface Frame {
  width: number;
  height: number;
  data: Uint8Array;
}

export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly code:
      | 'empty'
      | 'corrupt'
      | 'unsupported-format'
      | 'too-large'
      /** Decoding took longer than its time limit (off-thread decoding; the worker was ended). */
      | 'timeout'
      /** The decoding worker could not start or died, or the decoder was stopped. */
      | 'decoder-unavailable'
      /** More frames are waiting for the decoder than it queues. */
      | 'busy',
    message: string,
  ) {
    super(message);
  }
}

export const MAX_IMAGE_PIXELS = 25_000_000;

export function checkFrame(frame: Frame): Frame {
  if (frame.width <= 0 || frame.height <= 0 || frame.data.length === 0)
    throw new ImageError('empty', 'frame has no pixels');
  if (frame.width * frame.height > MAX_IMAGE_PIXELS)
    throw new ImageError('too-large', `frame is ${frame.width}x${frame.height}`);
  if (frame.data.length !== frame.width * frame.height * 3)
    throw new ImageError('corrupt', 'frame size does not match its data');
  return frame;
}

/**
 * Decodes a PNG or JPEG, within limits judged from its header before a pixel is decoded: the
 * format must be one the caller accepts (a PNG behind a JPEG data URL is refused), and the file's
 * bytes and declared size must be within the limits (photos by default; camera frames tighter).
 */
export function decodeImage(bytes: Uint8Array, limits: ImageLimits = PHOTO_LIMITS): Frame {
  if (bytes.length === 0) throw new ImageError('empty', 'image file is empty');
  if (bytes.length > limits.maxBytes)
    throw new ImageError(
      'too-large',
      `image file is ${bytes.length} bytes, over ${limits.maxBytes}`,
    );
  let header: ImageHeader;
  try {
    header = readImageHeader(bytes);
  } catch (error) {
    if (error instanceof HeaderError) throw new ImageError(error.problem, error.message);
    throw error;
  }
  if (!limits.formats.includes(header.format))
    throw new ImageError(
      'unsupported-format',
      `a ${header.format} image where ${limits.formats.join(' or ')} is expected`,
    );
  const over = exceedsLimits(header, limits);
  if (over) throw new ImageError('too-large', over);
  const frame = header.format === 'png' ? decodePng(bytes) : decodeJpeg(bytes, limits);
  // The decoders read the same header fields; a mismatch means they found another one.
  if (frame.width !== header.width || frame.height !== header.height)
    throw new ImageError('corrupt', 'image size differs from its header');
  return applyExifOrientation(frame, header.format === 'jpeg' ? jpegOrientation(bytes) : 1);
}

function decodePng(bytes: Uint8Array): Frame {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ImageError('corrupt', `PNG could not be decoded: ${messageOf(error)}`);
  }
  return fromRgba(png.width, png.height, png.data);
}

function decodeJpeg(bytes: Uint8Array, limits: ImageLimits): Frame {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: limits.maxPixels / 1e6,
      // jpeg-js counts about 4 bytes a pixel per component and 4 for the RGBA output.
      maxMemoryUsageInMB: Math.ceil((limits.maxPixels * 20) / 2 ** 20) + 8,
    });
  } catch (error) {
    const message = messageOf(error);
    throw new ImageError(
      /maxResolution|memory/i.test(message) ? 'too-large' : 'corrupt',
      `JPEG could not be decoded: ${message}`,
    );
  }
  return fromRgba(decoded.width, decoded.height, decoded.data);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function fromRgba(width: number, height: number, rgba: Uint8Array): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = rgba[i]!;
    data[j + 1] = rgba[i + 1]!;
    data[j + 2] = rgba[i + 2]!;
  }
  return checkFrame({ width, height, data });
}

/** Surrounds the image with a neutral border (ratio of each side), so tight crops get context. */
export function pad(frame: Frame, ratio: number, fill = 128): Frame {
  const px = Math.round(frame.width * ratio);
  const py = Math.round(frame.height * ratio);
  const width = frame.width + 2 * px;
  const height = frame.height + 2 * py;
  const data = new Uint8Array(width * height * 3).fill(fill);
  for (let y = 0; y < frame.height; y++) {
    data.set(
      frame.data.subarray(y * frame.width * 3, (y + 1) * frame.width * 3),
      ((y + py) * width + px) * 3,
    );
  }
  return { width, height, data };
}

/** Bilinear scaling to an exact size. */
export function resize(frame: Frame, width: number, height: number): Frame {
  const out = new Uint8Array(width * height * 3);
  const sx = frame.width / width;
  const sy = frame.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(frame.height - 1, Math.floor(fy));
    const y1 = Math.min(frame.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(frame.width - 1, Math.floor(fx));
      const x1 = Math.min(frame.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = frame.data[(y0 * frame.width + x0) * 3 + c]!;
        const b = frame.data[(y0 * frame.width + x1) * 3 + c]!;
        const d = frame.data[(y1 * frame.width + x0) * 3 + c]!;
        const e = frame.data[(y1 * frame.width + x1) * 3 + c]!;
        out[(y * width + x) * 3 + c] = Math.round(
          (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy,
        );
      }
    }
  }
  return { width, height, data: out };
}

/** Scales so the longer side is at most maxSide (never enlarges). */
export function fitWithin(frame: Frame, maxSide: number): Frame {
  const scale = maxSide / Math.max(frame.width, frame.height);
  if (scale >= 1) return frame;
  return resize(
    frame,
    Math.max(1, Math.round(frame.width * scale)),
    Math.max(1, Math.round(frame.height * scale)),
  );
}

/** Places an image, scaled by `scale`, centred on a canvas of the given size. */
export function compose(
  canvasWidth: number,
  canvasHeight: number,
  image: Frame,
  scale: number,
  fill = 96,
): Frame {
  const scaled = resize(image, Math.round(image.width * scale), Math.round(image.height * scale));
  const data = new Uint8Array(canvasWidth * canvasHeight * 3).fill(fill);
  const ox = Math.round((canvasWidth - scaled.width) / 2);
  const oy = Math.round((canvasHeight - scaled.height) / 2);
  for (let y = 0; y < scaled.height; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= canvasHeight) continue;
    for (let x = 0; x < scaled.width; x++) {
      const tx = x + ox;
      if (tx < 0 || tx >= canvasWidth) continue;
      const s = (y * scaled.width + x) * 3;
      const d = (ty * canvasWidth + tx) * 3;
      data[d] = scaled.data[s]!;
      data[d + 1] = scaled.data[s + 1]!;
      data[d + 2] = scaled.data[s + 2]!;
    }
  }
  return { width: canvasWidth, height: canvasHeight, data };
}

/** A JPEG of the frame (the camera preview's format); `quality` 1-100. */
export function toJpeg(frame: Frame, quality = 70): Uint8Array {
  return encodeJpeg(frame, quality);
}

/** EXIF orientation (1..8) from a JPEG's APP1 segment; 1 when absent. */
export function jpegOrientation(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 < bytes.length) {
    if (bytes[offset] !== 0xff) return 1;
    const marker = bytes[offset + 1]!;
    const length = view.getUint16(offset + 2);
    if (
      marker === 0xe1 &&
      offset + 8 <= bytes.length &&
      view.getUint32(offset + 4) === 0x45786966
    ) {
      const tiff = offset + 10;
      if (tiff + 8 > bytes.length) return 1;
      const little = view.getUint16(tiff) === 0x4949;
      const ifd = tiff + view.getUint32(tiff + 4, little);
      if (ifd < tiff || ifd + 2 > bytes.length) return 1;
      const entries = view.getUint16(ifd, little);
      for (let i = 0; i < entries; i++) {
        const entry = ifd + 2 + i * 12;
        if (entry + 12 > bytes.length) return 1;
        if (view.getUint16(entry, little) === 0x0112) {
          const value = view.getUint16(entry + 8, little);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
      return 1;
    }
    if (marker === 0xda) return 1;
    offset += 2 + length;
  }
  return 1;
}

/** Rotates/mirrors pixels so the image stands the way the camera's EXIF tag says it was held. */
export function applyExifOrientation(frame: Frame, orientation: number): Frame {
  if (orientation <= 1 || orientation > 8) return frame;
  const swap = orientation >= 5;
  const width = swap ? frame.height : frame.width;
  const height = swap ? frame.width : frame.height;
  const data = new Uint8Array(frame.data.length);
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      let tx: number, ty: number;
      switch (orientation) {
        case 2:
          tx = frame.width - 1 - x;
          ty = y;
          break;
        case 3:
          tx = frame.width - 1 - x;
          ty = frame.height - 1 - y;
          break;
        case 4:
          tx = x;
          ty = frame.height - 1 - y;
          break;
        case 5:
          tx = y;
          ty = x;
          break;
        case 6:
          tx = frame.height - 1 - y;
          ty = x;
          break;
        case 7:
          tx = frame.height - 1 - y;
          ty = frame.width - 1 - x;
          break;
        default:
          tx = y;
          ty = frame.width - 1 - x;
          break; // 8
      }
      const s = (y * frame.width + x) * 3;
      const d = (ty * width + tx) * 3;
      data[d] = frame.data[s]!;
      data[d + 1] = frame.data[s + 1]!;
      data[d + 2] = frame.data[s + 2]!;
    }
  }
  return { width, height, data };
}
