import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../host/web-server.ts';
import { APP_SCHEME_PRIVILEGES, APP_URL, appFilePath, serveAppRequest } from './app-protocol.ts';

const base = mkdtempSync(join(tmpdir(), 'app-protocol-'));
const renderer = join(base, 'renderer');
mkdirSync(join(renderer, 'assets'), { recursive: true });
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>kiosk</title>');
writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'export {};');
writeFileSync(join(base, 'secret.txt'), 'not for the page');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string) => serveAppRequest({ url, method: 'GET' }, renderer);

describe('the app:// scheme', () => {
  it('serves the page and its assets with the security headers', async () => {
    expect(APP_URL).toBe('app://kiosk/index.html');
    const page = await get(APP_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>kiosk</title>');
    const script = await get('app://kiosk/assets/index-abc.js');
    // Module scripts need a JavaScript MIME type.
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://kiosk/')).status).toBe(200);
  });

  it.each([
    ['a parent folder', 'app://kiosk/../secret.txt'],
    ['an encoded parent folder', 'app://kiosk/..%2Fsecret.txt'],
    ['a doubly encoded parent folder', 'app://kiosk/%2e%2e%2fsecret.txt'],
    ['an absolute path', 'app://kiosk/%2Fetc%2Fpasswd'],
    ['a NUL byte', 'app://kiosk/index.html%00.js'],
    ['another host', 'app://other/index.html'],
    ['another scheme', 'file:///etc/passwd'],
    ['a malformed escape', 'app://kiosk/%E0%A4%A'],
    ['a missing file', 'app://kiosk/nothing.js'],
  ])('serves nothing for %s', async (_name, url) => {
    expect((await get(url)).status).toBe(404);
  });

  it('confines paths to the renderer folder', () => {
    expect(appFilePath('app://kiosk/assets/index-abc.js', renderer)).toBe(
      join(renderer, 'assets', 'index-abc.js'),
    );
    expect(appFilePath('app://kiosk/..%5Csecret.txt', renderer)).not.toBe(join(base, 'secret.txt'));
  });

  it('answers only reads', async () => {
    expect((await serveAppRequest({ url: APP_URL, method: 'POST' }, renderer)).status).toBe(405);
    const head = await serveAppRequest({ url: APP_URL, method: 'HEAD' }, renderer);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('is a secure standard scheme that other origins cannot read and the CSP still binds', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
  });
});
