/**
 * The kiosk window and what it refuses: its options (no Node, sandboxed, no DevTools) and the
 * handlers that keep the patient on the kiosk page: blocked shortcuts, a window that does not
 * close, DevTools closed if anything opens them, navigation and new windows refused, zoom held
 * at 100%, and a dead or hung renderer reloaded to the start page. Written against a structural
 * subset of BrowserWindow so the wiring is tested with a fake window; main.ts passes the real
 * one, which `tsc -p electron` checks against Electron's own types.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { LogFn } from '../core/ports.ts';
import { isBlockedInput, type KeyInput } from './blocked-input.ts';
import type { ReloadBudget } from './renderer-recovery.ts';
import { isAllowedUrl, type WindowFlags } from './security.ts';

export function kioskWindowOptions(
  flags: WindowFlags,
  preload: string,
): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 1024,
    kiosk: flags.kiosk,
    fullscreen: flags.fullscreen,
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: flags.devTools,
    },
  };
}

/** Set once the app is quitting on purpose (OS shutdown, service stop, restart). */
export class QuitIntent {
  private quitting = false;
  get isQuitting(): boolean {
    return this.quitting;
  }
  quitOnPurpose(): void {
    this.quitting = true;
  }
}

interface Preventable {
  preventDefault(): void;
}

export interface LockableContents {
  on(event: 'before-input-event', listener: (event: Preventable, input: KeyInput) => void): unknown;
  on(event: 'will-navigate', listener: (event: Preventable, url: string) => void): unknown;
  on(
    event: 'render-process-gone',
    listener: (event: unknown, details: { reason: string; exitCode: number }) => void,
  ): unknown;
  on(event: 'devtools-opened' | 'unresponsive' | 'zoom-changed', listener: () => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  closeDevTools(): void;
  forcefullyCrashRenderer(): void;
  setZoomLevel(level: number): void;
  loadURL(url: string): Promise<void>;
}

export interface LockableWindow {
  on(event: 'close', listener: (event: Preventable) => void): unknown;
  readonly webContents: LockableContents;
}

export interface LockdownOptions {
  appUrl: string;
  devTools: boolean;
  quit: QuitIntent;
  reloads: ReloadBudget;
  log: LogFn;
  /** The renderer keeps dying: restart the whole app (host included). */
  relaunch: () => void;
}

export function lockDownWindow(win: LockableWindow, o: LockdownOptions): void {
  const contents = win.webContents;

  win.on('close', (event) => {
    if (o.quit.isQuitting) return;
    event.preventDefault();
    o.log('window.close-refused');
  });
  contents.on('before-input-event', (event, input) => {
    if (isBlockedInput(input)) event.preventDefault();
  });
  contents.on('devtools-opened', () => {
    if (o.devTools) return;
    contents.closeDevTools();
    o.log('window.devtools-closed');
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedUrl(url, o.appUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Ctrl+wheel and pinch reach the page without a key event; put the zoom straight back.
  contents.on('zoom-changed', () => contents.setZoomLevel(0));

  // A hung page is killed; its render-process-gone below then reloads it, counted once.
  contents.on('unresponsive', () => {
    if (o.quit.isQuitting) return;
    o.log('renderer.unresponsive');
    contents.forcefullyCrashRenderer();
  });
  contents.on('render-process-gone', (_event, details) => {
    if (o.quit.isQuitting) return;
    const decision = o.reloads.next();
    const fields = { reason: details.reason, exitCode: details.exitCode };
    if (decision.action === 'relaunch') {
      o.log('renderer.gone', { ...fields, action: 'relaunch', reloads: decision.reloads });
      o.relaunch();
      return;
    }
    o.log('renderer.gone', { ...fields, action: 'reload', attempt: decision.attempt });
    // The start page, not reload(): nothing the dead page held is kept, and a fresh page asks
    // the host for the current screen (the session lives in the host, not in the page).
    contents.loadURL(o.appUrl).catch((error: unknown) => {
      o.log('renderer.reload-failed', {
        error: error instanceof Error ? error.message : 'unknown',
      });
    });
  });
}

/** A second launch of the app: show the running kiosk instead. */
export function bringToFront(win: {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
