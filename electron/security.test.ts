import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_URL } from './app-protocol.ts';
import {
  isAllowedUrl,
  isPermissionAllowed,
  isPermissionCheckAllowed,
  isTrustedSender,
  windowFlags,
} from './security.ts';

const app = APP_URL;

/** Every permission Electron's own type definitions name, besides 'media'. */
function electronPermissions(): string[] {
  const types = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('electron')), 'electron.d.ts'),
    'utf8',
  );
  const union =
    /setPermissionRequestHandler\(handler: \(\(webContents: WebContents, permission: ([^,]+),/.exec(
      types,
    )?.[1];
  if (!union) throw new Error('no permission list in electron.d.ts');
  return union.split('|').map((p) => p.trim().replace(/'/g, ''));
}
const allPermissions = electronPermissions();
const otherPermissions = allPermissions.filter((p) => p !== 'media');

describe('electron security rules', () => {
  it('knows the permissions Electron names', () => {
    expect(allPermissions).toContain('media');
    expect(otherPermissions).toEqual(expect.arrayContaining(['geolocation', 'openExternal']));
  });

  it.each<[string, string, { mediaTypes?: string[] }, boolean]>([
    ['the camera', 'media', { mediaTypes: ['video'] }, true],
    ['two cameras', 'media', { mediaTypes: ['video', 'video'] }, true],
    ['the microphone', 'media', { mediaTypes: ['audio'] }, false],
    ['camera and microphone', 'media', { mediaTypes: ['video', 'audio'] }, false],
    ['microphone and camera', 'media', { mediaTypes: ['audio', 'video'] }, false],
    ['media of no named type', 'media', { mediaTypes: [] }, false],
    ['media with no details', 'media', {}, false],
    ['media of an unknown type', 'media', { mediaTypes: ['screen'] }, false],
    ...otherPermissions.map(
      (p) => [p, p, { mediaTypes: ['video'] }, false] as [string, string, object, boolean],
    ),
  ])('a request for %s is %s', (_name, permission, details, granted) => {
    expect(isPermissionAllowed(permission, details)).toBe(granted);
  });

  it.each<[string, { mediaType?: string }, boolean]>([
    ['media', { mediaType: 'video' }, true],
    ['media', { mediaType: 'audio' }, false],
    ['media', { mediaType: 'unknown' }, false],
    ['media', {}, false],
    ...otherPermissions.map((p) => [p, { mediaType: 'video' }, false] as [string, object, boolean]),
  ])('a check of %s %o is %s', (permission, details, granted) => {
    expect(isPermissionCheckAllowed(permission, details)).toBe(granted);
  });

  it('lets the window show only the kiosk page', () => {
    expect(isAllowedUrl(app, app)).toBe(true);
    expect(isAllowedUrl(`${app}#/x`, app)).toBe(true);
    expect(isAllowedUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAllowedUrl('app://kiosk/other.html', app)).toBe(false);
    expect(isAllowedUrl('app://other/index.html', app)).toBe(false);
    expect(isAllowedUrl('https://example.com/', app)).toBe(false);
    expect(isAllowedUrl('not a url', app)).toBe(false);
  });

  it('trusts IPC only from the main frame on our page', () => {
    expect(isTrustedSender({ frameUrl: app, isMainFrame: true }, app)).toBe(true);
    expect(isTrustedSender({ frameUrl: app, isMainFrame: false }, app)).toBe(false);
    expect(isTrustedSender({ frameUrl: 'https://evil.example/', isMainFrame: true }, app)).toBe(
      false,
    );
    expect(isTrustedSender({ frameUrl: undefined, isMainFrame: true }, app)).toBe(false);
  });

  it('locks the window in kiosk mode unless --windowed', () => {
    expect(windowFlags(['electron', 'main.cjs'], true)).toEqual({
      kiosk: true,
      fullscreen: true,
      devTools: false,
    });
    expect(windowFlags(['electron', 'main.cjs', '--windowed'], false)).toEqual({
      kiosk: false,
      fullscreen: false,
      devTools: false,
    });
  });

  it.each<[string[], boolean, boolean]>([
    [['--devtools'], false, false],
    [['--windowed', '--devtools'], false, true],
    [['--windowed', '--devtools'], true, false],
    [['--devtools'], true, false],
  ])('DevTools with %o, packaged %s: %s', (args, packaged, devTools) => {
    expect(windowFlags(['electron', 'main.cjs', ...args], packaged).devTools).toBe(devTools);
  });
});
