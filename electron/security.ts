/**
 * Electron's security checklist as plain functions, so they are unit-tested without Electron:
 * which permission requests pass, which URLs a window may show, and which IPC senders count.
 */
export const APP_PROTOCOL_PREFIX = 'file://';

/** Only the camera (for face identification) may be granted; everything else is denied. */
export function isPermissionAllowed(
  permission: string,
  details: { mediaTypes?: string[] } = {},
): boolean {
  if (permission !== 'media') return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
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
}

export function windowFlags(argv: readonly string[]): WindowFlags {
  const windowed = argv.includes('--windowed');
  return { kiosk: !windowed, fullscreen: !windowed };
}

export const IPC_INVOKE = 'kiosk:invoke';
export const IPC_EVENT = 'kiosk:event';
