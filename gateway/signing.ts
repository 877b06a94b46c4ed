/**
 * Request signing: x-tif-signature = lowercase hex HMAC-SHA256(secret,
 * timestamp + "\n" + nonce + "\n" + raw body), with x-tif-paasid, x-tif-timestamp (Unix seconds)
 * and x-tif-nonce (>= 16 chars). The gateway rejects bad signatures, stale timestamps (> 300 s
 * off) and nonces it has seen within that window.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_WINDOW_SECONDS = 300;

export interface SignedHeaders {
  'x-tif-paasid': string;
  'x-tif-timestamp': string;
  'x-tif-nonce': string;
  'x-tif-signature': string;
}

export function signature(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');
}

export function signRequest(
  paasid: string,
  secret: string,
  body: string,
  nowMs: number,
  nonce: string = randomBytes(16).toString('hex'),
): SignedHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'x-tif-paasid': paasid,
    'x-tif-timestamp': timestamp,
    'x-tif-nonce': nonce,
    'x-tif-signature': signature(secret, timestamp, nonce, body),
  };
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason:
        | 'missing-headers'
        | 'unknown-client'
        | 'bad-signature'
        | 'stale-timestamp'
        | 'replayed-nonce';
    };

/** Remembers nonces for the signature window so a captured request cannot be replayed. */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  /** Returns false if the nonce was already seen within the window. */
  remember(nonce: string, nowSeconds: number): boolean {
    if (this.seen.size > 10_000) this.prune(nowSeconds);
    const at = this.seen.get(nonce);
    if (at !== undefined && nowSeconds - at <= SIGNATURE_WINDOW_SECONDS * 2) return false;
    this.seen.set(nonce, nowSeconds);
    return true;
  }
  private prune(nowSeconds: number): void {
    for (const [nonce, at] of this.seen)
      if (nowSeconds - at > SIGNATURE_WINDOW_SECONDS * 2) this.seen.delete(nonce);
  }
}

export function verifyRequest(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  secretFor: (paasid: string) => string | undefined,
  nowMs: number,
  nonces: NonceCache,
): SignatureCheck {
  const get = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const paasid = get('x-tif-paasid');
  const timestamp = get('x-tif-timestamp');
  const nonce = get('x-tif-nonce');
  const sig = get('x-tif-signature');
  if (
    !paasid ||
    !timestamp ||
    !nonce ||
    !sig ||
    nonce.length < 16 ||
    !/^\d{1,12}$/.test(timestamp)
  ) {
    return { ok: false, reason: 'missing-headers' };
  }
  const secret = secretFor(paasid);
  if (!secret) return { ok: false, reason: 'unknown-client' };
  const expected = Buffer.from(signature(secret, timestamp, nonce, body), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad-signature' };
  const nowSeconds = Math.floor(nowMs / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS)
    return { ok: false, reason: 'stale-timestamp' };
  if (!nonces.remember(`${paasid}:${nonce}`, nowSeconds))
    return { ok: false, reason: 'replayed-nonce' };
  return { ok: true };
}
