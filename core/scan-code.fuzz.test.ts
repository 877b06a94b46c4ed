/**
 * Bounded, seeded fuzzing of the scan-code classifier: whatever a scanner (or a loose cable)
 * hands over, the answer is a ScanCode that its own schema accepts, never a throw, within a
 * bounded time; and nothing is accepted that is not exactly the shape we take.
 */
import { describe, expect, it } from 'vitest';
import { classifyScanCode, eVoucherQrSchema, scanCodeSchema, type ScanCode } from './scan-code.ts';
import { fuzzCases, fuzzSeed, type FuzzRandom } from './testing/fuzz.ts';

const SEED = fuzzSeed(13, process.env.FUZZ_SEED);
const E_VOUCHER = '4243669509084040896099330000';
const WALLET = ['134567890123456789', '286543210987654321', '6212345678901234567'];
const SEPARATORS = [' ', '\t', '\r', '\n', '\0', '\u200b', '\u202e', '\ufeff', '\ud800'];

/** What a hostile or broken scan may be: each kind is picked evenly. */
const makers: ((r: FuzzRandom) => string)[] = [
  // Line noise, read as a scanner driver would (lossy UTF-8) or as Latin-1.
  (r) => new TextDecoder().decode(r.bytes(r.int(80))),
  (r) => String.fromCharCode(...r.bytes(r.int(80))),
  // Any UTF-16, lone surrogates and control characters included.
  (r) => r.units(r.int(64)),
  // Near-valid: one of our codes, mutated.
  (r) => r.mutateText(r.pick([E_VOUCHER, ...WALLET])),
  // A valid code with something glued on or inside.
  (r) => {
    const code = r.pick([E_VOUCHER, ...WALLET]);
    const at = r.int(code.length + 1);
    return code.slice(0, at) + r.pick(SEPARATORS) + code.slice(at);
  },
  // Digits of every length around the ones we take, with our prefixes.
  (r) => r.pick(['424', '10', '15', '25', '30', '62', 'ano', 'ANO', '']) + r.digits(r.int(30)),
  // Over-long: past the classifier's limit, with a valid code at the start.
  (r) => E_VOUCHER + r.ascii(400 + r.int(2000)),
];

/** Accepted only as exactly the shape documented in scan-code.ts. */
function checkAccepted(raw: string, code: ScanCode): void {
  const text = raw.trim();
  if (code.kind === 'e-voucher') {
    expect(code.token).toBe(text);
    expect(eVoucherQrSchema.safeParse(text).success).toBe(true);
  }
  if (code.kind === 'wallet') {
    expect(code.code).toBe(text);
    expect(text).toMatch(/^\d{16,24}$/);
  }
}

describe('scan-code fuzzing (bounded, seeded)', () => {
  it('2,000 hostile, broken and near-valid scans: a valid ScanCode each, never a throw', async () => {
    const kinds = new Map<string, number>();
    await fuzzCases('scan-code', SEED, 2_000, (random, i) => {
      const raw = makers[i % makers.length]!(random);
      const code = classifyScanCode(raw);
      expect(scanCodeSchema.safeParse(code).success).toBe(true);
      checkAccepted(raw, code);
      const key = code.kind === 'unknown' ? code.reason : code.kind;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    });
    // The generators reach every refusal and both acceptances, so the run is not all one answer.
    for (const reason of ['not-printable', 'too-long', 'malformed-e-voucher', 'unrecognized'])
      expect(kinds.get(reason), reason).toBeGreaterThan(0);
    expect(kinds.get('e-voucher')).toBeGreaterThan(0);
    expect(kinds.get('wallet')).toBeGreaterThan(0);
  });

  // The bound catches work that grows with the input (a backtracking regex over 10 MB takes
  // minutes); it is loose enough that a loaded 2-core CI machine never trips it.
  it('answers a 10 MB scan without reading through it', () => {
    const huge = E_VOUCHER + '9'.repeat(10_000_000);
    const started = performance.now();
    expect(classifyScanCode(huge)).toEqual({ kind: 'unknown', reason: 'too-long' });
    expect(classifyScanCode(' '.repeat(10_000_000))).toEqual({ kind: 'unknown', reason: 'empty' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
