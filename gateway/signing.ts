/**
 * Both directions of the channel are signed with one HMAC-SHA256 scheme.
 *
 * Requests: x-tif-signature = lowercase hex HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n"
 * + raw body), with x-tif-paasid, x-tif-timestamp (Unix seconds) and x-tif-nonce (>= 16 chars).
 * Responses: the same headers but x-tif-paasid, and the signed text carries the request's nonce
 * as one more line before the body, so an answer is bound to the question it answers and cannot
 * be moved to another call or another kiosk. Both sides refuse bad signatures, timestamps more
 * than 300 s off, and nonces seen before within that window.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_WINDOW_SECONDS = 300;

export interface SignedHeaders {
  'x-tif-paasid': string;
  'x-tif-timestamp': string;
  'x-tif-nonce': string;
  'x-tif-signature': string;
}

export type ResponseSignedHeaders = Omit<SignedHeaders, 'x-tif-paasid'>;

export function signature(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');
}

/** What a response signature covers besides its own timestamp and nonce. */
function responseText(requestNonce: string, body: string): string {
  return `${requestNonce}\n${body}`;
}

const freshNonce = () => randomBytes(16).toString('hex');

export function signRequest(
  paasid: string,
  secret: string,
  body: string,
  nowMs: number,
  nonce: string = freshNonce(),
): SignedHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'x-tif-paasid': paasid,
    'x-tif-timestamp': timestamp,
    'x-tif-nonce': nonce,
    'x-tif-signature': signature(secret, timestamp, nonce, body),
  };
}

/** The gateway's headers for an answer to the request that carried `requestNonce`. */
export function signResponse(
  secret: string,
  requestNonce: string,
  body: string,
  nowMs: number,
  nonce: string = freshNonce(),
): ResponseSignedHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'x-tif-timestamp': timestamp,
    'x-tif-nonce': nonce,
    'x-tif-signature': signature(secret, timestamp, nonce, responseText(requestNonce, body)),
  };
}

export type SignatureFailure =
  'missing-headers' | 'unknown-client' | 'bad-signature' | 'stale-timestamp' | 'replayed-nonce';

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

/** An answer the client refused to read: not signed, forged, stale or replayed. */
export class ResponseSignatureError extends Error {
  override readonly name = 'ResponseSignatureError';
  constructor(readonly reason: SignatureFailure) {
    super(`the gateway's answer is not trusted: ${reason}`);
  }
}

/**
 * Where the nonces seen within the window are kept. `remember` records a nonce until
 * `expiresAt` (Unix seconds: its timestamp plus the window, after which the timestamp check
 * refuses it anyway) and answers false when it is already recorded and not yet expired.
 */
export interface NonceStore {
  remember(nonce: string, expiresAt: number, nowSeconds: number): boolean;
}

/** Nonces in memory, each kept only until it expires: bounded by the window, not by a count. */
export class NonceCache implements NonceStore {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  remember(nonce: string, expiresAt: number, nowSeconds: number): boolean {
    if (nowSeconds >= this.nextSweep || this.seen.size > 10_000) {
      for (const [n, until] of this.seen) if (until < nowSeconds) this.seen.delete(n);
      this.nextSweep = nowSeconds + 60;
    }
    const until = this.seen.get(nonce);
    if (until !== undefined && until >= nowSeconds) return false;
    this.seen.set(nonce, expiresAt);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers instanceof Headers ? headers.get(name) : headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** The checks both directions share, cheapest refusal first; a nonce is kept only when genuine. */
function check(
  headers: HeaderBag,
  secret: string | undefined,
  signedText: string,
  nowMs: number,
  nonces: NonceStore,
  nonceKey: (nonce: string) => string,
): SignatureCheck {
  const timestamp = header(headers, 'x-tif-timestamp');
  const nonce = header(headers, 'x-tif-nonce');
  const sig = header(headers, 'x-tif-signature');
  if (!timestamp || !nonce || !sig || nonce.length < 16 || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing-headers' };
  if (!secret) return { ok: false, reason: 'unknown-client' };
  const expected = Buffer.from(signature(secret, timestamp, nonce, signedText), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad-signature' };
  const nowSeconds = Math.floor(nowMs / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS)
    return { ok: false, reason: 'stale-timestamp' };
  if (!nonces.remember(nonceKey(nonce), Number(timestamp) + SIGNATURE_WINDOW_SECONDS, nowSeconds))
    return { ok: false, reason: 'replayed-nonce' };
  return { ok: true };
}

/** The gateway's check of a request; nonces are remembered per client. */
export function verifyRequest(
  headers: HeaderBag,
  body: string,
  secretFor: (paasid: string) => string | undefined,
  nowMs: number,
  nonces: NonceStore,
): SignatureCheck {
  const paasid = header(headers, 'x-tif-paasid');
  if (!paasid) return { ok: false, reason: 'missing-headers' };
  return check(headers, secretFor(paasid), body, nowMs, nonces, (n) => `${paasid}:${n}`);
}

/** The client's check of an answer to the request it signed with `requestNonce`. */
export function verifyResponse(
  headers: HeaderBag,
  body: string,
  secret: string,
  requestNonce: string,
  nowMs: number,
  nonces: NonceStore,
): SignatureCheck {
  return check(headers, secret, responseText(requestNonce, body), nowMs, nonces, (n) => n);
}
