import { describe, expect, it } from 'vitest';
import { isAllowedUrl, isPermissionAllowed, isTrustedSender, windowFlags } from './security.ts';

const app = 'file:///opt/kiosk/dist/renderer/index.html';

describe('electron security rules', () => {
  it('grants the camera and nothing else', () => {
    expect(isPermissionAllowed('media', { mediaTypes: ['video'] })).toBe(true);
    expect(isPermissionAllowed('media', { mediaTypes: ['audio'] })).toBe(false);
    expect(isPermissionAllowed('media', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(isPermissionAllowed('media', {})).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'midi'])
      expect(isPermissionAllowed(p)).toBe(false);
  });

  it('lets the window show only the kiosk page', () => {
    expect(isAllowedUrl(app, app)).toBe(true);
    expect(isAllowedUrl(`${app}#/x`, app)).toBe(true);
    expect(isAllowedUrl('file:///etc/passwd', app)).toBe(false);
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
    expect(windowFlags(['electron', 'main.cjs'])).toEqual({ kiosk: true, fullscreen: true });
    expect(windowFlags(['electron', 'main.cjs', '--windowed'])).toEqual({
      kiosk: false,
      fullscreen: false,
    });
  });
});
