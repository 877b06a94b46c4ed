import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.ts';
import { checkText, decodeFrame, FrameAssembler, type Terminator } from './scan-frames.ts';

function assemble(terminator: Terminator, chunks: string[], maxLength = 4096) {
  const out: string[] = [];
  const clock = new ManualClock();
  const a = new FrameAssembler(terminator, maxLength, clock, {
    frame: (t) => out.push(t),
    reject: (code) => out.push(`!${code}`),
  });
  for (const c of chunks) {
    a.push(Buffer.from(c, 'latin1'));
    clock.advance(1);
  }
  clock.advance(10_000);
  return out;
}

describe('FrameAssembler', () => {
  it.each(['CR', 'LF', 'CRLF'] as const)(
    'gives the same codes for every split of the stream (%s)',
    (terminator) => {
      const end = { CR: '\r', LF: '\n', CRLF: '\r\n' }[terminator];
      const stream = `ONE${end}TWO${end}\u00ff${end}THREE${end}`;
      const expected = ['ONE', 'TWO', '!non-printable', 'THREE'];
      for (let i = 0; i <= stream.length; i++) {
        for (let j = i; j <= stream.length; j++) {
          const chunks = [stream.slice(0, i), stream.slice(i, j), stream.slice(j)];
          expect(assemble(terminator, chunks)).toEqual(expected);
        }
      }
    },
  );

  it('reports an overlong line once, even if it never ends', () => {
    expect(assemble('CR', ['A'.repeat(20)], 8)).toEqual(['!too-long']);
    expect(assemble('CR', ['A'.repeat(20), '\rOK\r'], 8)).toEqual(['!too-long', 'OK']);
  });

  it('in idle mode, a pause shorter than the timeout does not split a code', () => {
    expect(assemble({ idleMs: 5 }, ['AB', 'CD'])).toEqual(['ABCD']);
  });

  it('skips the rest of a line begun before discardCurrent', () => {
    const out: string[] = [];
    const a = new FrameAssembler('CR', 64, new ManualClock(), {
      frame: (t) => out.push(t),
      reject: (c) => out.push(c),
    });
    a.push(Buffer.from('PAR'));
    a.discardCurrent();
    a.push(Buffer.from('TIAL\rNEXT\r'));
    expect(out).toEqual(['NEXT']);
  });
});

describe('decodeFrame and checkText', () => {
  it('accept printable UTF-8 and refuse control, format and broken bytes', () => {
    expect(decodeFrame(Buffer.from('abc 医保'))).toEqual({ text: 'abc 医保' });
    expect(decodeFrame(Uint8Array.of(0xc3))).toEqual({ rejected: 'non-printable' });
    expect(decodeFrame(Buffer.from('a\tb'))).toEqual({ rejected: 'non-printable' });
    expect(decodeFrame(Buffer.from('a\u200bb'))).toEqual({ rejected: 'non-printable' });
    expect(checkText('医保', 6)).toBeUndefined();
    expect(checkText('医保', 5)).toBe('too-long'); // counted in bytes, as the serial driver does
  });
});
