/**
 * Bounded, seeded fuzzing of the scanner's byte path, from the serial port to what the session
 * reads: line noise (random bytes, stray terminators, broken UTF-8, lines over the limit) mixed
 * with real codes, cut into random chunks, through the FrameAssembler in every terminator mode
 * and then the scan-code classifier. Nothing throws; every frame passed on is printable and
 * within the limit; every rejection is typed; and a code framed by its terminators still arrives
 * whatever noise came before it.
 */
import { describe, expect, it } from 'vitest';
import { classifyScanCode, scanCodeSchema } from '../../core/scan-code.ts';
import { fuzzCases, fuzzSeed, type FuzzRandom } from '../../core/testing/fuzz.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { FrameAssembler, type FrameRejection, type Terminator } from './scan-frames.ts';

const SEED = fuzzSeed(13, process.env.FUZZ_SEED);
const MAX_LENGTH = 64;
const CODES = ['4243669509084040896099330000', '134567890123456789', '6212345678901234567'];
const ENDS = { CR: '\r', LF: '\n', CRLF: '\r\n' } as const;

/** What a frame passed on must be, checked here independently of the assembler's own rules. */
function expectPassable(text: string): void {
  expect(text).not.toMatch(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u);
  expect(Buffer.byteLength(text)).toBeGreaterThan(0);
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_LENGTH);
  expect(scanCodeSchema.safeParse(classifyScanCode(text)).success).toBe(true);
}

/** Noise a loose cable or a confused scanner may send, terminators and over-long runs included. */
function noise(r: FuzzRandom): Uint8Array {
  switch (r.int(4)) {
    case 0:
      return r.bytes(r.int(40));
    case 1:
      return Buffer.from(r.pick(['\r', '\n', '\r\n', '\n\r', '\r\r\n']).repeat(1 + r.int(3)));
    case 2:
      return Buffer.from('A'.repeat(MAX_LENGTH + r.int(200)));
    default:
      return Buffer.from([0xe4, 0xbd, r.pick([0xa0, 0x41, 0x0d]), 0xc0, 0x80, 0xff]);
  }
}

/** Runs one stream in random chunks; returns the frames and rejections in order. */
function run(r: FuzzRandom, terminator: Terminator, stream: Uint8Array) {
  const clock = new ManualClock();
  const frames: string[] = [];
  const rejections: { code: FrameRejection; length: number }[] = [];
  const assembler = new FrameAssembler(terminator, MAX_LENGTH, clock, {
    frame: (text) => frames.push(text),
    reject: (code, length) => rejections.push({ code, length }),
  });
  for (let at = 0; at < stream.length;) {
    const size = 1 + r.int(24);
    assembler.push(stream.subarray(at, at + size));
    at += size;
    clock.advance(r.int(typeof terminator === 'object' ? terminator.idleMs * 2 : 5));
  }
  clock.advance(10_000);
  return { frames, rejections };
}

describe('scanner byte path fuzzing (bounded, seeded)', () => {
  it.each(['CR', 'LF', 'CRLF'] as const)(
    '%s: 300 noisy streams; frames printable and bounded, rejections typed, framed codes all arrive',
    async (terminator) => {
      const end = ENDS[terminator];
      await fuzzCases(`scan frames ${terminator}`, SEED, 300, (random) => {
        const parts: Uint8Array[] = [];
        const framed: string[] = [];
        for (let i = 0, n = 1 + random.int(8); i < n; i++) {
          if (random.chance(0.5)) parts.push(noise(random));
          else {
            const code = random.pick(CODES);
            framed.push(code);
            parts.push(Buffer.from(`${end}${code}${end}`));
          }
        }
        const { frames, rejections } = run(random, terminator, Buffer.concat(parts));
        frames.forEach(expectPassable);
        for (const r of rejections) {
          expect(['non-printable', 'too-long']).toContain(r.code);
          expect(r.length).toBeGreaterThan(0);
        }
        // Every code that had its terminators around it came through, in order.
        const arrived = frames.filter((f) => CODES.includes(f));
        expect(arrived).toEqual(framed);
      });
    },
  );

  it('idle-terminated: 300 noisy streams in random chunks and pauses; nothing throws, all bounded', async () => {
    await fuzzCases('scan frames idle', SEED, 300, (random) => {
      const parts = Array.from({ length: 1 + random.int(6) }, () =>
        random.chance(0.5) ? noise(random) : Buffer.from(random.pick(CODES)),
      );
      const { frames, rejections } = run(random, { idleMs: 50 }, Buffer.concat(parts));
      frames.forEach(expectPassable);
      for (const r of rejections) expect(['non-printable', 'too-long']).toContain(r.code);
    });
  });
});
