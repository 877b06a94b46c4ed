/**
 * The client's HTTP: one POST, over HTTPS with the hospital's own trust when configured (a CA
 * that replaces the public ones, and/or the gateway's public key pinned), over plain HTTP to the
 * simulator on loopback. Connections are kept alive per client. Failures reject with the error
 * the network gave (an AbortError when the signal fires), for the client to classify.
 */
import { createHash, X509Certificate } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { checkServerIdentity } from 'node:tls';

/** What an HTTPS gateway is trusted by, beyond (or instead of) the public CAs. */
export interface GatewayTls {
  /** PEM certificate(s) of the CA that issued the gateway's certificate; replaces the public CAs. */
  ca?: string;
  /**
   * Accept only a gateway whose certificate's public key is one of these: base64 SHA-256 of the
   * DER SubjectPublicKeyInfo (HPKP's pin-sha256, curl's --pinnedpubkey sha256//). List the next
   * key too before the gateway's certificate is renewed with a new one.
   */
  pinnedKeys?: string[];
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text(): Promise<string>;
}

/** An answer larger than this is cut off (the largest real one, a full face gallery, is less). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The base64 pin of a certificate's public key (DER, as `raw` holds it), as `pinnedKeys` lists it. */
export function publicKeyPin(certDer: Buffer): string {
  const spki = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export class CertificatePinError extends Error {
  override readonly name = 'CertificatePinError';
}

/**
 * How long an idle kept-alive connection is kept by the client. A server closes idle connections
 * on its own clock (Node's 5 s, nginx's 75 s); a request written on one at the moment the server
 * closes it is reset. With this set, Node also honours the server's `Keep-Alive: timeout=N` hint
 * (closing a second before it); without it, Node keeps idle sockets until the server closes them.
 */
export const IDLE_CONNECTION_MS = 4000;

/**
 * A request on a kept-alive connection the server had already closed, reset before any answer:
 * the server never read it (RFC 9112 9.3.1), so a query may be sent again on a new connection.
 */
export class StaleConnectionError extends Error {
  override readonly name = 'StaleConnectionError';
}

export function agentFor(baseUrl: string, tls: GatewayTls = {}): http.Agent {
  if (new URL(baseUrl).protocol !== 'https:')
    return new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
  const pins = tls.pinnedKeys;
  return new https.Agent({
    keepAlive: true,
    timeout: IDLE_CONNECTION_MS,
    ...(tls.ca ? { ca: tls.ca } : {}),
    checkServerIdentity: (host, cert) => {
      const wrongName = checkServerIdentity(host, cert);
      if (wrongName) return wrongName;
      if (pins && pins.length > 0 && !pins.includes(publicKeyPin(cert.raw)))
        return new CertificatePinError(`the gateway's public key is not pinned: ${host}`);
      return undefined;
    },
  });
}

export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  agent: http.Agent,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        agent,
        signal,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: () => read(res) }),
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')
          ? new StaleConnectionError(`kept-alive connection closed by the server: ${error.code}`, {
              cause: error,
            })
          : error,
      ),
    );
    req.end(body);
  });
}

function read(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) res.destroy(new Error('answer too large'));
      else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('answer cut off'));
    });
  });
}
