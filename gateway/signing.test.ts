import { describe, expect, it } from 'vitest';
import {
  NonceCache,
  SIGNATURE_WINDOW_SECONDS,
  signRequest,
  signResponse,
  verifyRequest,
  verifyResponse,
} from './signing.ts';

const nowMs = Date.parse('2026-11-22T02:00:00Z');
const asHeaders = (h: object) => new Headers(h as Record<string, string>);

describe('response signatures', () => {
  const requestNonce = 'q'.repeat(32);
  const body = '{"infcode":0}';

  it('verify for the request they answer, and for no other', () => {
    const headers = asHeaders(signResponse('s3cret', requestNonce, body, nowMs));
    expect(verifyResponse(headers, body, 's3cret', requestNonce, nowMs, new NonceCache())).toEqual({
      ok: true,
    });
    const check = (h: Headers, b = body, secret = 's3cret', nonce = requestNonce) =>
      verifyResponse(h, b, secret, nonce, nowMs, new NonceCache());
    expect(check(headers, body, 's3cret', 'another-request-nonce')).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(check(headers, '{"infcode":-1}')).toMatchObject({ reason: 'bad-signature' });
    expect(check(headers, body, 'other-secret')).toMatchObject({ reason: 'bad-signature' });
    expect(check(asHeaders({}))).toMatchObject({ reason: 'missing-headers' });
  });

  it('are refused when stale or replayed', () => {
    const old = asHeaders(signResponse('s', requestNonce, body, nowMs - 301_000));
    expect(verifyResponse(old, body, 's', requestNonce, nowMs, new NonceCache())).toMatchObject({
      reason: 'stale-timestamp',
    });
    const nonces = new NonceCache();
    const once = asHeaders(signResponse('s', requestNonce, body, nowMs, 'r'.repeat(16)));
    expect(verifyResponse(once, body, 's', requestNonce, nowMs, nonces).ok).toBe(true);
    expect(verifyResponse(once, body, 's', requestNonce, nowMs, nonces)).toMatchObject({
      reason: 'replayed-nonce',
    });
  });

  it('are not a request signature: one cannot pass for the other', () => {
    const req = signRequest('kiosk', 's', body, nowMs, requestNonce);
    expect(
      verifyResponse(asHeaders(req), body, 's', requestNonce, nowMs, new NonceCache()),
    ).toMatchObject({ reason: 'bad-signature' });
    const res = signResponse('s', requestNonce, body, nowMs);
    expect(
      verifyRequest({ ...res, 'x-tif-paasid': 'kiosk' }, body, () => 's', nowMs, new NonceCache()),
    ).toMatchObject({ reason: 'bad-signature' });
  });
});

describe('the in-memory nonce cache', () => {
  it('keeps each nonce only while its timestamp is in the window', () => {
    const cache = new NonceCache();
    const t0 = Math.floor(nowMs / 1000);
    for (let i = 0; i < 500; i++)
      expect(cache.remember(`n${i}`, t0 + SIGNATURE_WINDOW_SECONDS, t0)).toBe(true);
    expect(cache.remember('n1', t0 + SIGNATURE_WINDOW_SECONDS, t0 + 10)).toBe(false);
    expect(cache.size).toBe(500);
    const later = t0 + SIGNATURE_WINDOW_SECONDS + 1;
    expect(cache.remember('fresh', later + SIGNATURE_WINDOW_SECONDS, later)).toBe(true);
    expect(cache.size).toBe(1);
    // Past its expiry a nonce is forgotten (its timestamp check refuses a replay by then).
    expect(cache.remember('n1', later + SIGNATURE_WINDOW_SECONDS, later)).toBe(true);
  });
});
