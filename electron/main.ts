/**
 * Electron main: one locked-down window and the IPC bridge to the kiosk host. Thin on purpose;
 * the rules it applies live in security.ts (unit-tested), the kiosk itself in host/.
 */
import { app, BrowserWindow, ipcMain, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfigFile } from '../host/config-file.ts';
import { systemClock } from '../core/domain.ts';
import { dispatchKioskCall, kioskEventNames, KioskCallError } from '../core/kiosk-api.ts';
import { createLogger } from '../host/log.ts';
import { KioskHost } from '../host/kiosk-host.ts';
import { SealedKeySource } from '../hardware/face/gallery-store.ts';
import { CONTENT_SECURITY_POLICY } from '../host/web-server.ts';
import {
  IPC_EVENT,
  IPC_INVOKE,
  isAllowedUrl,
  isPermissionAllowed,
  isTrustedSender,
  windowFlags,
} from './security.ts';

const log = createLogger((line) => process.stderr.write(line + '\n'));
const root = join(__dirname, '..', '..');
const appUrl = pathToFileURL(join(root, 'dist', 'renderer', 'index.html')).href;

app.enableSandbox();

async function main(): Promise<void> {
  await app.whenReady();
  const dataDir = process.env.KIOSK_DATA_DIR ?? join(app.getPath('userData'), 'data');
  const host = await KioskHost.start({
    // The same validated configuration file as web mode (npm start passes its --config here).
    config: loadConfigFile(process.env.KIOSK_CONFIG),
    dataDir,
    // Keys that seal the face gallery and the payment journal, sealed in turn by the OS
    // keychain (DPAPI, Keychain, libsecret): useless on another machine or account.
    keys: (name) => new SealedKeySource(join(dataDir, `${name}.sealed-key`), safeStorage),
    log,
    clock: systemClock,
    version: app.getVersion(),
  });

  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details as { mediaTypes?: string[] }));
  });
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permission === 'media');
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });

  const flags = windowFlags(process.argv);
  const win = new BrowserWindow({
    width: 1280,
    height: 1024,
    kiosk: flags.kiosk,
    fullscreen: flags.fullscreen,
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedUrl(url, appUrl)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

  ipcMain.handle(IPC_INVOKE, async (event, method: unknown, args: unknown) => {
    const frame = event.senderFrame;
    if (
      event.sender !== win.webContents ||
      !isTrustedSender({ frameUrl: frame?.url, isMainFrame: frame?.parent === null }, appUrl)
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

  app.on('window-all-closed', () => {
    void host.stop().finally(() => app.quit());
  });
  await win.loadURL(appUrl);
}

main().catch((error: unknown) => {
  log('kiosk.start-failed', { error: error instanceof Error ? error.message : 'unknown' });
  app.exit(1);
});
