/**
 * Electron main: one locked-down window and the IPC bridge to the kiosk host. Thin on purpose;
 * the rules it applies live beside it, each unit-tested: security.ts (permissions, URLs, IPC
 * senders, window flags), window-lockdown.ts (the window's options and handlers),
 * blocked-input.ts, renderer-recovery.ts and app-protocol.ts. The kiosk itself is in host/.
 */
import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { systemClock } from '../core/domain.ts';
import { dispatchKioskCall, kioskEventNames, KioskCallError } from '../core/kiosk-api.ts';
import { loadConfigFile } from '../host/config-file.ts';
import { createLogger } from '../host/log.ts';
import { KioskHost } from '../host/kiosk-host.ts';
import { SealedKeySource } from '../face/gallery-store.ts';
import { checkKeychain } from './keychain.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, serveAppRequest } from './app-protocol.ts';
import { RENDERER_RELOAD_BUDGET, ReloadBudget } from './renderer-recovery.ts';
import {
  IPC_EVENT,
  IPC_INVOKE,
  isPermissionAllowed,
  isPermissionCheckAllowed,
  isTrustedSender,
  windowFlags,
} from './security.ts';
import { bringToFront, kioskWindowOptions, lockDownWindow, QuitIntent } from './window-lockdown.ts';

const log = createLogger((line) => process.stderr.write(line + '\n'));
const root = join(__dirname, '..', '..');
const rendererDir = join(root, 'dist', 'renderer');
/** How long a quit waits for the host to close its databases and devices. */
const HOST_STOP_TIMEOUT_MS = 10_000;

app.enableSandbox();
// Only a scheme registered before 'ready' gets a real origin and a secure context.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
const quit = new QuitIntent();
app.on('before-quit', () => quit.quitOnPurpose());

async function main(): Promise<void> {
  await app.whenReady();
  // No menu, and with it none of its accelerators (reload, DevTools, close, quit, zoom).
  Menu.setApplicationMenu(null);
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));

  const dataDir = process.env.KIOSK_DATA_DIR ?? join(app.getPath('userData'), 'data');
  // The same configuration file as web mode, read the same way (npm start passes its --config
  // here, already checked): an empty file is the defaults, a relative policy file is beside it.
  const config = loadConfigFile(process.env.KIOSK_CONFIG || undefined);
  // Before any key is made: a production kiosk does not start on Linux's fixed-password
  // 'basic_text' fallback (no keyring); a simulator kiosk warns (keychain.ts).
  checkKeychain(safeStorage, process.platform, config.mode, log);
  const host = await KioskHost.start({
    config,
    dataDir,
    // Keys that seal the face gallery and the payment journal, sealed in turn by the OS
    // keychain (DPAPI, Keychain, libsecret): useless on another machine or account.
    keys: (name) => new SealedKeySource(join(dataDir, `${name}.sealed-key`), safeStorage),
    log,
    clock: systemClock,
    version: app.getVersion(),
  });
  // Whatever asked to quit, the host stops first: once, and not for ever.
  let hostStopped = false;
  let stopping: Promise<void> | undefined;
  app.on('will-quit', (event) => {
    if (hostStopped) return;
    event.preventDefault();
    stopping ??= Promise.race([
      host.stop(),
      new Promise<void>((resolve) => setTimeout(resolve, HOST_STOP_TIMEOUT_MS).unref()),
    ])
      .catch((error: unknown) => {
        log('kiosk.stop-failed', { error: error instanceof Error ? error.message : 'unknown' });
      })
      .finally(() => {
        hostStopped = true;
        app.quit();
      });
  });

  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(isPermissionAllowed(permission, 'mediaTypes' in details ? details : {}));
  });
  session.defaultSession.setPermissionCheckHandler((_wc, permission, _origin, details) =>
    isPermissionCheckAllowed(permission, details),
  );

  const flags = windowFlags(process.argv, app.isPackaged);
  const win = new BrowserWindow(kioskWindowOptions(flags, join(__dirname, 'preload.cjs')));
  lockDownWindow(win, {
    appUrl: APP_URL,
    devTools: flags.devTools,
    quit,
    reloads: new ReloadBudget({ ...RENDERER_RELOAD_BUDGET, now: Date.now }),
    log,
    relaunch: () => {
      app.relaunch();
      app.quit();
    },
  });
  // Windows is logging off or shutting down: let the window close.
  win.on('session-end', () => quit.quitOnPurpose());
  app.on('second-instance', () => bringToFront(win));

  ipcMain.handle(IPC_INVOKE, async (event, method: unknown, args: unknown) => {
    const frame = event.senderFrame;
    if (
      event.sender !== win.webContents ||
      !isTrustedSender({ frameUrl: frame?.url, isMainFrame: frame?.parent === null }, APP_URL)
    ) {
      log('ipc.refused', { reason: 'sender' });
      throw new KioskCallError('untrusted sender');
    }
    return dispatchKioskCall(host.service, method, args);
  });
  for (const name of kioskEventNames) {
    host.service.subscribe(name, (payload) => {
      if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload);
    });
  }

  await win.loadURL(APP_URL);
  if (flags.devTools) win.webContents.openDevTools({ mode: 'detach' });
}

// One kiosk per machine account: a second launch shows the first (its 'second-instance' event)
// and leaves.
if (!app.requestSingleInstanceLock()) {
  log('kiosk.already-running');
  app.quit();
} else {
  main().catch((error: unknown) => {
    log('kiosk.start-failed', { error: error instanceof Error ? error.message : 'unknown' });
    app.exit(1);
  });
}
