/**
 * The kiosk page carries its CSP in a meta tag as well as in web mode's header: Electron loads
 * it from its own app:// scheme, and a policy in the page holds however it is loaded. Where
 * both apply (web mode) the browser enforces both, so they must say the same thing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kioskMethodNames } from '../core/kiosk-api.ts';
import { serviceFrom, type KioskMethodImplementations } from '../core/kiosk-service-from.ts';
import { CONTENT_SECURITY_POLICY, KioskWebServer } from '../host/web-server.ts';

const sourcePage = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8');
const builtPath = new URL('../dist/renderer/index.html', import.meta.url);

/** CSP directives a <meta> cannot carry (CSP Level 3): browsers ignore them there, noisily. */
const headerOnly = ['frame-ancestors', 'report-uri', 'sandbox'];

function directives(policy: string): string[] {
  return policy
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter((d) => d !== '');
}

function metaPolicies(html: string): string[] {
  return [...html.matchAll(/<meta\b[^>]*>/gi)]
    .map((m) => m[0])
    .filter((tag) => /http-equiv\s*=\s*"Content-Security-Policy"/i.test(tag))
    .map((tag) => /\scontent\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? '');
}

/** The policy the meta tag must hold: the header's, less what only a header can say. */
const expectedMeta = directives(CONTENT_SECURITY_POLICY).filter(
  (d) => !headerOnly.includes(d.split(' ')[0]!),
);

function expectPolicyFirst(html: string): void {
  const meta = html.search(/<meta\b[^>]*http-equiv\s*=\s*"Content-Security-Policy"/i);
  const firstLoad = html.search(/<(script|link|style)\b/i);
  expect(meta).toBeGreaterThan(-1);
  if (firstLoad !== -1) expect(meta).toBeLessThan(firstLoad);
}

describe('the kiosk page CSP', () => {
  it('is in the page, once, and equal to the header but for header-only directives', () => {
    const policies = metaPolicies(sourcePage);
    expect(policies).toHaveLength(1);
    expect(directives(policies[0]!)).toEqual(expectedMeta);
    // Only frame-ancestors is left to the header, and it stays there.
    expect(directives(CONTENT_SECURITY_POLICY)).toContain("frame-ancestors 'none'");
    expect(expectedMeta).toHaveLength(directives(CONTENT_SECURITY_POLICY).length - 1);
  });

  it('comes before anything the page loads', () => {
    expectPolicyFirst(sourcePage);
  });

  // The build is checked when there is one (npm run build, or the unit-test runner, makes it).
  it.skipIf(!existsSync(builtPath))('survives the Vite build, still first', () => {
    const built = readFileSync(builtPath, 'utf8');
    expect(metaPolicies(built)).toEqual(metaPolicies(sourcePage));
    expectPolicyFirst(built);
    expect(built).toMatch(/<script type="module"[^>]*src="\.\/assets\//);
  });

  it('is sent by web mode both as a header and in the page, saying the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-csp-'));
    writeFileSync(join(dir, 'index.html'), sourcePage);
    const answers = Object.fromEntries(
      kioskMethodNames.map((name) => [name, () => undefined]),
    ) as unknown as KioskMethodImplementations;
    const server = new KioskWebServer({
      service: serviceFrom([answers], {
        view: () => () => undefined,
        cameraFrame: () => () => undefined,
        notice: () => () => undefined,
      }),
      staticDir: dir,
      token: 'csp-test-token',
      log: () => undefined,
      port: 0,
    });
    await server.start();
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(res.status).toBe(200);
      const header = res.headers.get('content-security-policy') ?? '';
      const body = await res.text();
      expect(header).toBe(CONTENT_SECURITY_POLICY);
      const [meta] = metaPolicies(body);
      expect(directives(meta!)).toEqual(
        directives(header).filter((d) => !headerOnly.includes(d.split(' ')[0]!)),
      );
      expect(body).toContain('content="csp-test-token"');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
