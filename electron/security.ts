/**
 * Electron's security checklist as plain functions, so they are unit-tested without Electron:
 * which permission requests pass, which URLs a window may show, and which IPC senders count.
 * No imports: the sandboxed preload bundles this file.
 */

/**
 * A permission request (`setPermissionRequestHandler`): only the camera, for face
 * identification. 'media' is granted only when every requested media type is video, so a page
 * asking for the microphone, alone or with the camera, gets neither.
 */
export function isPermissionAllowed(
  permission: string,
  details: { mediaTypes?: readonly string[] } = {},
): boolean {
  if (permission !== 'media') return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}

/**
 * A permission check (`setPermissionCheckHandler`, e.g. whether enumerateDevices may show a
 * device's label): the same rule, asked one media type at a time.
 */
export function isPermissionCheckAllowed(
  permission: string,
  details: { mediaType?: string } = {},
): boolean {
  return permission === 'media' && details.mediaType === 'video';
}

/** The window may only ever show the kiosk's own page. */
export function isAllowedUrl(url: string, appUrl: string): boolean {
  try {
    const target = new URL(url);
    const app = new URL(appUrl);
    return (
      target.protocol === app.protocol &&
      target.host === app.host &&
      target.pathname === app.pathname
    );
  } catch {
    return false;
  }
}

/** An IPC message is served only if it comes from our window's main frame showing our page. */
export function isTrustedSender(
  sender: { frameUrl: string | undefined; isMainFrame: boolean },
  appUrl: string,
): boolean {
  return (
    sender.isMainFrame && sender.frameUrl !== undefined && isAllowedUrl(sender.frameUrl, appUrl)
  );
}

export interface WindowFlags {
  kiosk: boolean;
  fullscreen: boolean;
  devTools: boolean;
}

/**
 * Kiosk mode unless `--windowed`. DevTools only for a developer who asks (`--windowed
 * --devtools`) on an unpackaged build: never in kiosk mode, never in an installed kiosk.
 */
export function windowFlags(argv: readonly string[], packaged: boolean): WindowFlags {
  const windowed = argv.includes('--windowed');
  return {
    kiosk: !windowed,
    fullscreen: !windowed,
    devTools: windowed && !packaged && argv.includes('--devtools'),
  };
}

export const IPC_INVOKE = 'kiosk:invoke';
export const IPC_EVENT = 'kiosk:event';
