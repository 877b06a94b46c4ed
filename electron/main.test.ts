/**
 * main.ts run against a stand-in Electron and host: the Electron binary cannot be downloaded
 * here, so this checks that main wires every control (what each control does is tested beside
 * it). What only a real Electron can show (that Chromium honours each setting) is listed in
 * README.md.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class FakeContents extends EventEmitter {
  readonly loaded: string[] = [];
  readonly loadURL = vi.fn((url: string) => {
    this.loaded.push(url);
    return Promise.resolve();
  });
  readonly closeDevTools = vi.fn();
  readonly openDevTools = vi.fn();
  readonly forcefullyCrashRenderer = vi.fn();
  readonly setZoomLevel = vi.fn();
  readonly send = vi.fn();
  openHandler: (() => unknown) | undefined;
  setWindowOpenHandler(handler: () => unknown): void {
    this.openHandler = handler;
  }
}
class FakeWindow extends EventEmitter {
  static all: FakeWindow[] = [];
  readonly webContents = new FakeContents();
  readonly loadURL = vi.fn((url: string) => {
    this.webContents.loaded.push(url);
    return Promise.resolve();
  });
  readonly focus = vi.fn();
  readonly show = vi.fn();
  readonly restore = vi.fn();
  constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
    super();
    FakeWindow.all.push(this);
  }
  isMinimized = () => false;
  isDestroyed = () => false;
}

type PermissionRequestHandler = (
  wc: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: object,
) => void;
type PermissionCheckHandler = (
  wc: unknown,
  permission: string,
  origin: string,
  details: object,
) => boolean;

const fake = {
  lock: true,
  app: Object.assign(new EventEmitter(), {
    enableSandbox: vi.fn(),
    whenReady: vi.fn(() => Promise.resolve()),
    requestSingleInstanceLock: vi.fn(() => fake.lock),
    getPath: () => '/tmp/kiosk-main-test',
    getVersion: () => '0.0.0',
    isPackaged: true,
    quit: vi.fn(),
    exit: vi.fn(),
    relaunch: vi.fn(),
  }),
  menu: { setApplicationMenu: vi.fn() },
  protocol: {
    registerSchemesAsPrivileged: vi.fn(),
    handle: vi.fn(),
  },
  permissionRequest: undefined as PermissionRequestHandler | undefined,
  permissionCheck: undefined as PermissionCheckHandler | undefined,
  ipcHandle: vi.fn(),
  hostStop: vi.fn(() => Promise.resolve()),
  hostStart: vi.fn(),
  /** What safeStorage answers: a Linux keyring, or its fixed-password fallback. */
  backend: 'gnome_libsecret',
};

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: FakeWindow,
  Menu: fake.menu,
  protocol: fake.protocol,
  ipcMain: { handle: fake.ipcHandle },
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => fake.backend,
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: PermissionRequestHandler) => (fake.permissionRequest = h),
      setPermissionCheckHandler: (h: PermissionCheckHandler) => (fake.permissionCheck = h),
    },
  },
}));
vi.mock('../host/kiosk-host.ts', () => ({
  KioskHost: {
    start: (...args: unknown[]) => {
      fake.hostStart(...args);
      return Promise.resolve({
        service: { subscribe: () => () => undefined },
        stop: fake.hostStop,
      });
    },
  },
}));
// main.ts only constructs it, inside the host options the stand-in host ignores.
vi.mock('../face/gallery-store.ts', () => ({ SealedKeySource: vi.fn() }));

/** A complete production configuration (as core/config.test.ts has it). */
const PRODUCTION = {
  mode: 'production',
  gateway: { url: 'https://gw.example' },
  adminPin: '90817263',
  camera: { kind: 'renderer' },
  printer: { kind: 'tcp', host: '10.0.0.9', port: 9100 },
  scanner: { kind: 'serial', path: '/dev/ttyACM0' },
  face: { policyFile: 'face-policy.json' },
};

async function startMain(): Promise<FakeWindow> {
  vi.resetModules();
  await import('./main.ts');
  await vi.waitFor(() => expect(FakeWindow.all[0]?.loadURL).toHaveBeenCalled());
  return FakeWindow.all[0]!;
}

beforeEach(() => {
  fake.lock = true;
  fake.backend = 'gnome_libsecret';
  FakeWindow.all = [];
  fake.app.removeAllListeners();
  vi.clearAllMocks();
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const key = (k: string, control = false) => ({
  key: k,
  control,
  meta: false,
  alt: false,
  shift: false,
});

describe('electron main', () => {
  it('locks the app down before and after ready', async () => {
    const win = await startMain();
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(fake.menu.setApplicationMenu).toHaveBeenCalledWith(null);
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(fake.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(win.loadURL).toHaveBeenCalledWith('app://kiosk/index.html');
    expect(win.options.webPreferences).toMatchObject({
      devTools: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
  });

  it('grants the camera alone, asked or checked', async () => {
    await startMain();
    const ask = (permission: string, details: object) => {
      let granted: boolean | undefined;
      fake.permissionRequest!(null, permission, (g) => (granted = g), details);
      return granted;
    };
    expect(ask('media', { mediaTypes: ['video'] })).toBe(true);
    expect(ask('media', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(ask('media', { mediaTypes: ['audio'] })).toBe(false);
    expect(ask('geolocation', { requestingUrl: 'app://kiosk/index.html' })).toBe(false);
    expect(fake.permissionCheck!(null, 'media', 'app://kiosk', { mediaType: 'video' })).toBe(true);
    expect(fake.permissionCheck!(null, 'media', 'app://kiosk', { mediaType: 'audio' })).toBe(false);
    expect(fake.permissionCheck!(null, 'notifications', 'app://kiosk', {})).toBe(false);
  });

  it('wires the window lock-down', async () => {
    const win = await startMain();
    const contents = win.webContents;
    const reload = { preventDefault: vi.fn() };
    contents.emit('before-input-event', reload, key('r', true));
    expect(reload.preventDefault).toHaveBeenCalled();
    contents.emit('devtools-opened');
    expect(contents.closeDevTools).toHaveBeenCalled();
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
    contents.emit('unresponsive');
    expect(contents.forcefullyCrashRenderer).toHaveBeenCalled();
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(contents.loadURL).toHaveBeenLastCalledWith('app://kiosk/index.html');
  });

  it('keeps the window open until the app quits on purpose, then stops the host first', async () => {
    const win = await startMain();
    const close = { preventDefault: vi.fn() };
    win.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();

    fake.app.emit('before-quit', { preventDefault: vi.fn() });
    const closeOnQuit = { preventDefault: vi.fn() };
    win.emit('close', closeOnQuit);
    expect(closeOnQuit.preventDefault).not.toHaveBeenCalled();

    const willQuit = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', willQuit);
    expect(willQuit.preventDefault).toHaveBeenCalled();
    expect(fake.hostStop).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
    const again = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
    expect(fake.hostStop).toHaveBeenCalledTimes(1);
  });

  it('shows the running kiosk when launched again', async () => {
    const win = await startMain();
    fake.app.emit('second-instance', {}, [], '/');
    expect(win.focus).toHaveBeenCalled();
  });

  it('leaves at once when another kiosk holds the lock', async () => {
    fake.lock = false;
    vi.resetModules();
    await import('./main.ts');
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.hostStart).not.toHaveBeenCalled();
    expect(FakeWindow.all).toEqual([]);
  });

  it.runIf(process.platform === 'linux')(
    "refuses to start a production kiosk on safeStorage's 'basic_text' fallback, naming it",
    async () => {
      fake.backend = 'basic_text';
      const dir = mkdtempSync(join(tmpdir(), 'kiosk-main-'));
      const file = join(dir, 'production.json');
      writeFileSync(file, JSON.stringify(PRODUCTION));
      vi.stubEnv('KIOSK_CONFIG', file);
      const lines: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((line) => {
        lines.push(String(line));
        return true;
      });
      try {
        vi.resetModules();
        await import('./main.ts');
        await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(1));
        expect(fake.hostStart).not.toHaveBeenCalled();
        expect(FakeWindow.all).toEqual([]);
        expect(lines.join('')).toMatch(/"event":"kiosk.start-failed".*basic_text/);
      } finally {
        vi.unstubAllEnvs();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'starts a simulator kiosk on the fallback with a keychain.weak warning',
    async () => {
      fake.backend = 'basic_text';
      const lines: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((line) => {
        lines.push(String(line));
        return true;
      });
      await startMain();
      expect(fake.hostStart).toHaveBeenCalled();
      expect(lines.join('')).toMatch(/"event":"keychain.weak","backend":"basic_text"/);
    },
  );
});
