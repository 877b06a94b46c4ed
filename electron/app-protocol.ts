/**
 * The kiosk page is served from `app://kiosk/`, a scheme of our own, not from `file://`. With the
 * GrantFileProtocolExtraPrivileges fuse off (electron-builder.yml), file:// pages get only what a
 * browser gives them, and a browser refuses a file:// page its own module scripts. Our scheme
 * serves only the built renderer's folder, with the same security headers as web mode.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../host/web-server.ts';
import { contentTypes } from '../host/static-files.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * standard: relative URLs and a real origin, so the CSP's 'self' means this folder. secure: a
 * secure context, which getUserMedia (the camera) requires. Not corsEnabled and not bypassCSP:
 * no other origin may read these files, and the page's CSP holds.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true };

/** The file in `rendererDir` an app:// URL names, or undefined if it names anything else. */
export function appFilePath(requestUrl: string, rendererDir: string): string | undefined {
  let pathname: string;
  try {
    const url = new URL(requestUrl);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const root = resolve(rendererDir);
  const file = resolve(root, pathname === '/' ? 'index.html' : pathname.slice(1));
  return file.startsWith(root + sep) ? file : undefined;
}

export function appResponseHeaders(file: string): Record<string, string> {
  return {
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    // The page carries the same policy in a meta tag; the header covers every other file too.
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

/** The handler behind `protocol.handle(APP_SCHEME, ...)`. */
export async function serveAppRequest(
  request: { url: string; method: string },
  rendererDir: string,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return new Response(null, { status: 405 });
  const file = appFilePath(request.url, rendererDir);
  if (!file) return new Response(null, { status: 404 });
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return new Response(null, { status: 404 });
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: appResponseHeaders(file),
  });
}
