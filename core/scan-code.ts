/**
 * What a patient held in front of the QR scanner: a medical-insurance e-voucher (医保电子凭证),
 * a wallet payment code for the merchant to charge (付款码), or something we do not take.
 * Pure: the text comes from the scanner driver; the gateway does the authoritative decoding.
 *
 * E-voucher QR, what we accept and why (no public spec of the national platform is open to us;
 * these are the two independent descriptions we found, and they agree):
 *   - The Alipay open-platform medical-insurance order model documents `qr_code` as "电子凭证码值
 *     或终端刷脸返回码值, 28位长度, 以424或ano开头": 28 characters, starting "424" (shown QR) or
 *     "ano" (returned by a face-authentication terminal).
 *   - An integrator's scanner (YLZ/易联众) documents the generation rule: "424 (国家医保局标识) +
 *     17位随机唯一数 + 2位随机数 + 2位省级行政区划代码 + 4位扩展码 (0000)", example
 *     "424 36695090840408960 99 33 0000".
 * So we accept exactly 28 ASCII digits: "424", 19 digits, a provincial division code (GB/T 2260,
 * first two digits), and 4 extension digits. Assumptions: the 17+2 "random" parts are digits (the
 * example is); the extension is documented as 0000 but we accept any 4 digits, since it is
 * reserved for growth and rejecting a patient's valid code is worse than letting the gateway
 * refuse it. The whole code is the token (ecQrCode) the gateway's e-voucher decode takes; it is
 * single-use and expires within minutes, so it is never stored or logged.
 * "ano…" codes come from face terminals, not from a patient's phone, so a scanner reading one is
 * not a patient paying: it is reported as unknown ('face-auth-code').
 *
 * Wallet payment codes (merchant-scanned, numeric, per the providers' micropay rules):
 *   WeChat Pay 18 digits starting 10-15; Alipay 16-24 digits starting 25-30; UnionPay QuickPass
 *   19 digits starting 62. The prefix ranges do not overlap each other or "424".
 */
import { z } from 'zod';

/** Provincial-level division codes (GB/T 2260): the first two digits of an area code. */
// prettier-ignore
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', // 华北
  '21', '22', '23', // 东北
  '31', '32', '33', '34', '35', '36', '37', // 华东
  '41', '42', '43', '44', '45', '46', // 中南
  '50', '51', '52', '53', '54', // 西南
  '61', '62', '63', '64', '65', // 西北
  '71', '81', '82', // 台湾, 香港, 澳门
]);

export const eVoucherQrSchema = z
  .string()
  .regex(/^424\d{25}$/, 'an e-voucher QR is "424" and 25 more digits')
  .refine((s) => PROVINCES.has(s.slice(22, 24)), 'digits 23-24 must be a province code');

export const walletProviders = ['wechat', 'alipay', 'unionpay'] as const;
export type WalletProvider = (typeof walletProviders)[number];

const walletRules: { provider: WalletProvider; prefix: RegExp; exact: RegExp }[] = [
  { provider: 'wechat', prefix: /^1[0-5]/, exact: /^1[0-5]\d{16}$/ },
  { provider: 'alipay', prefix: /^(2[5-9]|30)/, exact: /^(2[5-9]|30)\d{14,22}$/ },
  { provider: 'unionpay', prefix: /^62/, exact: /^62\d{17}$/ },
];

export const unknownScanReasons = [
  'empty',
  'too-long',
  'not-printable',
  /** Starts like an e-voucher ("424") but is not one (length, digits, province). */
  'malformed-e-voucher',
  /** All digits with a wallet prefix, but the wrong length for that wallet. */
  'malformed-wallet-code',
  /** An "ano…" code from a face-authentication terminal, not a patient's QR. */
  'face-auth-code',
  'unrecognized',
] as const;
export type UnknownScanReason = (typeof unknownScanReasons)[number];

export const scanCodeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('e-voucher'), token: eVoucherQrSchema }),
  z.object({
    kind: z.literal('wallet'),
    provider: z.enum(walletProviders),
    code: z.string().regex(/^\d{16,24}$/),
  }),
  z.object({ kind: z.literal('unknown'), reason: z.enum(unknownScanReasons) }),
]);
export type ScanCode = z.infer<typeof scanCodeSchema>;

/** Longer than any code we take; longer texts are not inspected further. */
const MAX_LENGTH = 512;

export function classifyScanCode(raw: string): ScanCode {
  // Scanners may add a space or tab around the code (a configured suffix); nothing we accept has one.
  const text = raw.trim();
  if (text.length === 0) return { kind: 'unknown', reason: 'empty' };
  if (text.length > MAX_LENGTH) return { kind: 'unknown', reason: 'too-long' };
  if (/[\p{Cc}\p{Cf}]/u.test(text)) return { kind: 'unknown', reason: 'not-printable' };

  if (text.startsWith('424')) {
    return eVoucherQrSchema.safeParse(text).success
      ? { kind: 'e-voucher', token: text }
      : { kind: 'unknown', reason: 'malformed-e-voucher' };
  }
  if (/^ano/i.test(text)) return { kind: 'unknown', reason: 'face-auth-code' };

  if (/^\d+$/.test(text)) {
    for (const rule of walletRules) {
      if (rule.exact.test(text)) return { kind: 'wallet', provider: rule.provider, code: text };
    }
    if (walletRules.some((rule) => rule.prefix.test(text)))
      return { kind: 'unknown', reason: 'malformed-wallet-code' };
  }
  return { kind: 'unknown', reason: 'unrecognized' };
}
