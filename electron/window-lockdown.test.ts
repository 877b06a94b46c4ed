import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { APP_URL } from './app-protocol.ts';
import { ReloadBudget } from './renderer-recovery.ts';
import { windowFlags } from './security.ts';
import {
  QuitIntent,
  bringToFront,
  kioskWindowOptions,
  lockDownWindow,
  type LockableWindow,
} from './window-lockdown.ts';

/** A BrowserWindow stand-in: real events, recorded calls. */
class FakeContents extends EventEmitter {
  openHandler: (() => { action: string }) | undefined;
  loaded: string[] = [];
  loadFails = false;
  closeDevTools = vi.fn();
  forcefullyCrashRenderer = vi.fn(() => {
    // As Electron documents: the kill is reported as a lost renderer.
    this.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 });
  });
  setZoomLevel = vi.fn();
  setWindowOpenHandler(handler: () => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return this.loadFails ? Promise.reject(new Error('ERR_FAILED')) : Promise.resolve();
  }
}
class FakeWindow extends EventEmitter {
  readonly webContents = new FakeContents();
}

function event() {
  return { preventDefault: vi.fn() };
}

function setUp(devTools = false) {
  const win = new FakeWindow();
  const quit = new QuitIntent();
  const log = vi.fn();
  const relaunch = vi.fn();
  let now = 0;
  const reloads = new ReloadBudget({ maxReloads: 2, windowMs: 60_000, now: () => now });
  const typed: LockableWindow = win;
  lockDownWindow(typed, { appUrl: APP_URL, devTools, quit, reloads, log, relaunch });
  return {
    win,
    contents: win.webContents,
    quit,
    log,
    relaunch,
    tick: (ms: number) => (now += ms),
  };
}

const events = (log: ReturnType<typeof vi.fn>) => log.mock.calls.map((c: unknown[]) => c[0]);

describe('the kiosk window', () => {
  it('has no Node, a sandbox and no DevTools in kiosk mode', () => {
    const options = kioskWindowOptions(windowFlags(['electron', 'main.cjs'], true), '/p.cjs');
    expect(options).toMatchObject({ kiosk: true, fullscreen: true });
    expect(options.webPreferences).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    const dev = windowFlags(['electron', 'main.cjs', '--windowed', '--devtools'], false);
    expect(kioskWindowOptions(dev, '/p.cjs').webPreferences?.devTools).toBe(true);
  });

  it('filters shortcuts before the page or a menu sees them', () => {
    const { contents } = setUp();
    const reload = event();
    contents.emit('before-input-event', reload, {
      key: 'r',
      control: true,
      meta: false,
      alt: false,
      shift: false,
    });
    expect(reload.preventDefault).toHaveBeenCalled();
    const digit = event();
    contents.emit('before-input-event', digit, {
      key: '5',
      control: false,
      meta: false,
      alt: false,
      shift: false,
    });
    expect(digit.preventDefault).not.toHaveBeenCalled();
  });

  it('cannot be closed by the patient, only by a quit on purpose', () => {
    const { win, quit, log } = setUp();
    const close = event();
    win.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    expect(events(log)).toContain('window.close-refused');
    quit.quitOnPurpose();
    const closeOnQuit = event();
    win.emit('close', closeOnQuit);
    expect(closeOnQuit.preventDefault).not.toHaveBeenCalled();
  });

  it('closes DevTools if anything opens them, unless a developer asked for them', () => {
    const locked = setUp();
    locked.contents.emit('devtools-opened');
    expect(locked.contents.closeDevTools).toHaveBeenCalled();
    expect(events(locked.log)).toContain('window.devtools-closed');
    const dev = setUp(true);
    dev.contents.emit('devtools-opened');
    expect(dev.contents.closeDevTools).not.toHaveBeenCalled();
  });

  it('stays on the kiosk page: no navigation away, no new windows, no zoom', () => {
    const { contents } = setUp();
    const away = event();
    contents.emit('will-navigate', away, 'https://example.com/');
    expect(away.preventDefault).toHaveBeenCalled();
    const own = event();
    contents.emit('will-navigate', own, APP_URL);
    expect(own.preventDefault).not.toHaveBeenCalled();
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
    contents.emit('zoom-changed', {}, 'in');
    expect(contents.setZoomLevel).toHaveBeenCalledWith(0);
  });

  it('reloads a crashed renderer to the start page, with a log line', () => {
    const { contents, log, relaunch } = setUp();
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 });
    expect(contents.loaded).toEqual([APP_URL]);
    expect(log).toHaveBeenCalledWith('renderer.gone', {
      reason: 'crashed',
      exitCode: 11,
      action: 'reload',
      attempt: 1,
    });
    expect(relaunch).not.toHaveBeenCalled();
  });

  it('kills a hung renderer and reloads it once', () => {
    const { contents, log } = setUp();
    contents.emit('unresponsive');
    expect(contents.forcefullyCrashRenderer).toHaveBeenCalledTimes(1);
    expect(contents.loaded).toEqual([APP_URL]);
    expect(events(log)).toEqual(['renderer.unresponsive', 'renderer.gone']);
  });

  it('restarts the app once reloads stop helping, and counts afresh later', () => {
    const { contents, log, relaunch, tick } = setUp();
    contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    expect(relaunch).not.toHaveBeenCalled();
    contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    expect(relaunch).toHaveBeenCalledTimes(1);
    expect(contents.loaded).toHaveLength(2);
    expect(log).toHaveBeenLastCalledWith('renderer.gone', {
      reason: 'oom',
      exitCode: 1,
      action: 'relaunch',
      reloads: 2,
    });
    tick(60_000);
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(contents.loaded).toHaveLength(3);
  });

  it('logs a reload that fails', async () => {
    const { contents, log } = setUp();
    contents.loadFails = true;
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    await vi.waitFor(() =>
      expect(log).toHaveBeenCalledWith('renderer.reload-failed', { error: 'ERR_FAILED' }),
    );
  });

  it('leaves the renderer alone while quitting', () => {
    const { contents, quit, relaunch } = setUp();
    quit.quitOnPurpose();
    contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    contents.emit('unresponsive');
    expect(contents.loaded).toEqual([]);
    expect(contents.forcefullyCrashRenderer).not.toHaveBeenCalled();
    expect(relaunch).not.toHaveBeenCalled();
  });

  it('brings the running kiosk to the front for a second launch', () => {
    const calls: string[] = [];
    bringToFront({
      isMinimized: () => true,
      restore: () => calls.push('restore'),
      show: () => calls.push('show'),
      focus: () => calls.push('focus'),
    });
    expect(calls).toEqual(['restore', 'show', 'focus']);
  });
});
