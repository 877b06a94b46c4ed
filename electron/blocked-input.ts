/**
 * Which keyboard input never reaches the kiosk page. The patient has only the on-screen keypads;
 * a physical keyboard (a service engineer's, or one plugged in by a passer-by) must not reload,
 * close, print, zoom, open DevTools or leave the page. Checked in `before-input-event`, before
 * the page and any menu accelerator see the key.
 */

/** The fields of Electron's `Input` that decide; a structural subset so tests need no Electron. */
export interface KeyInput {
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

/**
 * Keys that act on the browser or the OS by themselves: reload, history, zoom, search, print,
 * the context menu, application launchers. Keyboards with dedicated keys send these names.
 */
const browserKeys = new Set([
  'ContextMenu',
  'Help',
  'Print',
  'Find',
  'Open',
  'Close',
  'Save',
  'New',
  'ZoomIn',
  'ZoomOut',
  'ZoomToggle',
]);

export function isBlockedInput(input: KeyInput): boolean {
  // Every browser and OS shortcut (Ctrl+R, Ctrl+Shift+I, Ctrl+W, Ctrl+Q, Ctrl+P, Ctrl+=,
  // Cmd+Q, Alt+F4, Alt+Left ...) needs one of these, and the kiosk needs none of them. AltGr
  // arrives as Ctrl+Alt on Windows and is refused too: nothing on the kiosk is typed with it.
  if (input.control || input.meta || input.alt) return true;
  // F1-F24 carry reload (F5), fullscreen (F11), DevTools (F12), caret browsing (F7), the menu
  // (F10) and find (F3); the kiosk uses none.
  if (/^F\d{1,2}$/.test(input.key)) return true;
  if (input.key.startsWith('Browser') || input.key.startsWith('Launch')) return true;
  return browserKeys.has(input.key);
}
