import { describe, expect, it } from 'vitest';
import { classifyScanCode, scanCodeSchema } from './scan-code.ts';

// The documented example, "424 36695090840408960 99 33 0000" (Zhejiang).
const EXAMPLE = '4243669509084040896099330000';

describe('classifyScanCode: e-voucher', () => {
  it('accepts the documented example and other provinces', () => {
    expect(classifyScanCode(EXAMPLE)).toEqual({ kind: 'e-voucher', token: EXAMPLE });
    const beijing = '424' + '1'.repeat(17) + '05' + '11' + '0000';
    expect(classifyScanCode(beijing)).toEqual({ kind: 'e-voucher', token: beijing });
    const macau = '424' + '9'.repeat(17) + '00' + '82' + '0001';
    expect(classifyScanCode(macau)).toEqual({ kind: 'e-voucher', token: macau });
  });

  it('trims the whitespace a scanner suffix may leave', () => {
    expect(classifyScanCode(` ${EXAMPLE}\t`)).toEqual({ kind: 'e-voucher', token: EXAMPLE });
  });

  it.each([
    ['27 characters', EXAMPLE.slice(0, 27)],
    ['29 characters', EXAMPLE + '0'],
    ['a letter inside', EXAMPLE.slice(0, 10) + 'A' + EXAMPLE.slice(11)],
    ['province 00', EXAMPLE.slice(0, 22) + '00' + EXAMPLE.slice(24)],
    ['province 99', EXAMPLE.slice(0, 22) + '99' + EXAMPLE.slice(24)],
    ['a space inside', EXAMPLE.slice(0, 3) + ' ' + EXAMPLE.slice(3)],
  ])('refuses a malformed one: %s', (_, text) => {
    expect(classifyScanCode(text)).toEqual({ kind: 'unknown', reason: 'malformed-e-voucher' });
  });

  it('does not take a face-terminal code as a scan', () => {
    expect(classifyScanCode('ano' + '1'.repeat(25))).toEqual({
      kind: 'unknown',
      reason: 'face-auth-code',
    });
  });
});

describe('classifyScanCode: wallet payment codes', () => {
  it.each([
    ['wechat', '134567890123456789'],
    ['wechat', '100000000000000000'],
    ['wechat', '159999999999999999'],
    ['alipay', '2512345678901234'], // 16 digits
    ['alipay', '286543210987654321'], // 18
    ['alipay', '301234567890123456789012'], // 24
    ['unionpay', '6212345678901234567'],
  ] as const)('reads a %s code', (provider, code) => {
    expect(classifyScanCode(code)).toEqual({ kind: 'wallet', provider, code });
  });

  it.each([
    '13456789012345678', // WeChat prefix, 17 digits
    '1345678901234567890', // WeChat prefix, 19 digits
    '251234567890123', // Alipay prefix, 15 digits
    '3012345678901234567890123', // Alipay prefix, 25 digits
    '621234567890123456', // UnionPay prefix, 18 digits
  ])('refuses %s: a wallet prefix with the wrong length', (code) => {
    expect(classifyScanCode(code)).toEqual({ kind: 'unknown', reason: 'malformed-wallet-code' });
  });

  it.each([
    '164567890123456789', // 16: no wallet
    '244567890123456789', // 24: no wallet
    '314567890123456789', // 31: no wallet
    '0134567890123456789',
  ])('does not guess a wallet for %s', (code) => {
    expect(classifyScanCode(code)).toEqual({ kind: 'unknown', reason: 'unrecognized' });
  });
});

describe('classifyScanCode: everything else', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['X'.repeat(513), 'too-long'],
    ['1345\u000067890', 'not-printable'],
    ['4243669509\u200b084040896099330000', 'not-printable'],
    ['https://example.org/pay?id=1', 'unrecognized'],
    ['hello', 'unrecognized'],
    ['-134567890123456789', 'unrecognized'],
    ['１３４５６７８９０１２３４５６７８９', 'unrecognized'], // full-width digits
  ])('%j is unknown (%s)', (text, reason) => {
    expect(classifyScanCode(text)).toEqual({ kind: 'unknown', reason });
  });

  it('always returns a value of the documented schema', () => {
    for (const text of [EXAMPLE, '134567890123456789', 'nope', '', '424']) {
      expect(scanCodeSchema.safeParse(classifyScanCode(text)).success).toBe(true);
    }
  });
});
