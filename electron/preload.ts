/**
 * Preload (sandboxed): exposes exactly one thing, `window.kiosk`, built from the KioskApi
 * contract over two fixed IPC channels. The renderer never sees ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createKioskApi, isKioskEvent } from '../core/kiosk-api.ts';
import { createListenerMap } from '../core/listener-map.ts';
import { IPC_EVENT, IPC_INVOKE } from './security.ts';

const listeners = createListenerMap();
ipcRenderer.on(IPC_EVENT, (_event, name: unknown, payload: unknown) => {
  if (isKioskEvent(name)) listeners.emit(name, payload);
});

const api = createKioskApi({
  invoke: (method, args) => ipcRenderer.invoke(IPC_INVOKE, method, args),
  on: (event, listener) => listeners.on(event, listener),
});

contextBridge.exposeInMainWorld('kiosk', api);
