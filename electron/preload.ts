/**
 * Preload (sandboxed): exposes exactly one thing, `window.kiosk`, built from the KioskApi
 * contract over two fixed IPC channels. The renderer never sees ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createKioskApi, isKioskEvent, type KioskEventName } from '../core/kiosk-api.ts';
import { IPC_EVENT, IPC_INVOKE } from './security.ts';

const listeners = new Map<KioskEventName, Set<(payload: unknown) => void>>();
ipcRenderer.on(IPC_EVENT, (_event, name: unknown, payload: unknown) => {
  if (isKioskEvent(name)) listeners.get(name)?.forEach((l) => l(payload));
});

const api = createKioskApi({
  invoke: (method, args) => ipcRenderer.invoke(IPC_INVOKE, method, args),
  on: (event, listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
});

contextBridge.exposeInMainWorld('kiosk', api);
