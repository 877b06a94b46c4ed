import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

describe('structured log', () => {
  it('writes one JSON line per event with redacted personal fields', () => {
    const lines: string[] = [];
    const log = createLogger(
      (l) => lines.push(l),
      () => new Date('2026-11-22T00:00:00Z'),
    );
    log('face.identify', {
      result: 'match',
      patientName: 'Sheldon Cooper',
      note: 'id 110105198002260113 seen',
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({
      event: 'face.identify',
      result: 'match',
      patientName: '[redacted]',
    });
    expect(lines[0]).not.toContain('Sheldon');
    expect(lines[0]).not.toContain('110105198002260113');
  });
});
