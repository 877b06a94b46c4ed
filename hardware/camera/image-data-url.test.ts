import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { imageBytesFromDataUrl } from './image-data-url.ts';
import { cameraFrameLimits, PHOTO_LIMITS, toJpeg } from './image.ts';

const jpeg = Buffer.from(toJpeg({ width: 4, height: 4, data: new Uint8Array(48).fill(7) }));
const png = PNG.sync.write(new PNG({ width: 4, height: 4 }));
const url = (type: string, bytes: Uint8Array | string) =>
  `data:${type};base64,${typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('base64')}`;
const refusedAs = (code: string) => expect.objectContaining({ name: 'ImageError', code });

describe('image data URLs', () => {
  it('gives the bytes of a JPEG data URL, and of a PNG one where PNG is accepted', () => {
    expect(
      Buffer.from(imageBytesFromDataUrl(url('image/jpeg', jpeg), cameraFrameLimits())),
    ).toEqual(jpeg);
    expect(Buffer.from(imageBytesFromDataUrl(url('image/png', png), PHOTO_LIMITS))).toEqual(png);
  });

  it('refuses a declared type that is not the bytes, or that the caller does not accept', () => {
    expect(() => imageBytesFromDataUrl(url('image/jpeg', png), PHOTO_LIMITS)).toThrow(
      refusedAs('unsupported-format'),
    );
    expect(() => imageBytesFromDataUrl(url('image/png', jpeg), PHOTO_LIMITS)).toThrow(
      refusedAs('unsupported-format'),
    );
    expect(() => imageBytesFromDataUrl(url('image/png', png), cameraFrameLimits())).toThrow(
      refusedAs('unsupported-format'),
    );
    expect(() => imageBytesFromDataUrl(url('image/gif', jpeg), PHOTO_LIMITS)).toThrow(
      refusedAs('unsupported-format'),
    );
    expect(() =>
      imageBytesFromDataUrl(url('image/jpeg', Uint8Array.of(1, 2, 3)), PHOTO_LIMITS),
    ).toThrow(refusedAs('unsupported-format'));
  });

  it('accepts only strict base64 and no more bytes than the limits', () => {
    const b64 = jpeg.toString('base64');
    for (const bent of [
      ` ${b64}`,
      `${b64.slice(0, 10)}\n${b64.slice(10)}`,
      `${b64}!`,
      b64.slice(0, -1),
    ])
      expect(() => imageBytesFromDataUrl(url('image/jpeg', bent), PHOTO_LIMITS)).toThrow(
        refusedAs('corrupt'),
      );
    expect(() => imageBytesFromDataUrl('data:image/jpeg;base64,', PHOTO_LIMITS)).toThrow(
      refusedAs('empty'),
    );
    const limits = { ...cameraFrameLimits(), maxBytes: jpeg.length - 1 };
    expect(() => imageBytesFromDataUrl(url('image/jpeg', jpeg), limits)).toThrow(
      refusedAs('too-large'),
    );
  });
});
