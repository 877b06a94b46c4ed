/**
 * A Y4M video (the format Chromium's fake camera plays) made from a still fixture photo placed
 * as a patient would stand in front of the kiosk, so the renderer's real getUserMedia path is
 * tested end to end without a camera.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compose, decodeImage } from '../hardware/camera/image.ts';

export function writeY4m(
  photoPath: string,
  outPath: string,
  width = 640,
  height = 480,
  frames = 8,
): void {
  const photo = decodeImage(readFileSync(photoPath));
  const frame = compose(width, height, photo, (height * 0.45) / photo.height);
  const ySize = width * height;
  const cw = width / 2;
  const ch = height / 2;
  const yuv = Buffer.alloc(ySize + 2 * cw * ch);
  const rgb = frame.data;
  for (let i = 0; i < ySize; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    yuv[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  // 4:2:0 chroma: each 2x2 block averaged (full-range BT.601, as "C420jpeg" says).
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[p]!;
        g += rgb[p + 1]!;
        b += rgb[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      yuv[ySize + y * cw + x] = Math.max(
        0,
        Math.min(255, Math.round(-0.1687 * r - 0.3313 * g + 0.5 * b + 128)),
      );
      yuv[ySize + cw * ch + y * cw + x] = Math.max(
        0,
        Math.min(255, Math.round(0.5 * r - 0.4187 * g - 0.0813 * b + 128)),
      );
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\n`);
  const frameHeader = Buffer.from('FRAME\n');
  const parts: Buffer[] = [header];
  for (let i = 0; i < frames; i++) parts.push(frameHeader, yuv);
  writeFileSync(outPath, Buffer.concat(parts));
}
