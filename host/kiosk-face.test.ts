import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { defaultFaceWorkers } from './kiosk-face.ts';

describe('face workers when the configuration does not say', () => {
  it('one on two cores or fewer (the host thread needs the other), else the full one and a tracker', () => {
    expect([1, 2, 3, 4, 8, 64].map(defaultFaceWorkers)).toEqual([1, 1, 2, 2, 2, 2]);
    expect(parseConfig({ kioskId: 'K-01' }).face.workers).toBeUndefined();
    expect(parseConfig({ kioskId: 'K-01', face: { workers: 3 } }).face.workers).toBe(3);
  });
});
