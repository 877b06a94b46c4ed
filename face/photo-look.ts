/**
 * How the measuring commands look at a photo (`--photo-look`): the standard sequence (SSD at 512
 * on the photo padded with a grey border, as enrolment does) or a faster first look, written
 * DETECTOR:INPUT:PAD (e.g. ssd:256:0). The choice is part of the descriptor cache's key.
 *
 * The default for the measuring commands is ssd:256:0. On an LFW photo (250 px, the face about
 * 110 px) SSD at 256 unpadded sees the face at the same pixel size as the standard look (the
 * photo padded to 500 px, run at 512), and the net is convolutional, so it finds the same box:
 * on 50 LFW photos the same face every time (IoU with the standard box >= 0.95), descriptors
 * identical for most (median distance 0.000, max 0.16), in about a third of the time (0.61 s
 * against 1.77 s per photo on the loaded 2-core machine). docs/face.md "Measuring at scale".
 */
import type { DetectOptions, PhotoLook } from './face-engine.ts';

export const DEFAULT_PHOTO_LOOK = 'ssd:256:0';

/** 'standard' (or '512') is enrolment's own sequence; DETECTOR:INPUT:PAD a faster first look. */
export function parsePhotoLook(text: string): DetectOptions {
  if (text === 'standard' || text === '512') return {};
  const match = /^(ssd|tiny):(\d+):(\d*\.?\d+)$/.exec(text);
  if (!match) throw new RangeError(`photo look "${text}" is not DETECTOR:INPUT:PAD or standard`);
  const look: PhotoLook = {
    detector: match[1] as PhotoLook['detector'],
    inputSize: Number(match[2]),
    pad: Number(match[3]),
  };
  if (look.inputSize % 32 !== 0 || look.inputSize < 128 || look.inputSize > 512)
    throw new RangeError('the input size must be a multiple of 32 from 128 to 512');
  if (look.pad > 2) throw new RangeError('the pad is a share of the photo, at most 2');
  return { photoFirstLook: look };
}
