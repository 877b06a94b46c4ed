/**
 * The renderer's one door to the kiosk: `window.kiosk`, the typed KioskApi. Electron's preload
 * puts it there; in web mode this module builds the same API over the loopback WebSocket. The
 * rest of the renderer cannot tell which it has.
 */
import {
  createKioskApi,
  isKioskEvent,
  type KioskApi,
  type KioskMethodName,
  type KioskTransport,
} from '../core/kiosk-api.ts';
import { createListenerMap } from '../core/listener-map.ts';
import { WS_PATH, serverMessageSchema } from '../core/ws-protocol.ts';

declare global {
  interface Window {
    kiosk?: KioskApi;
  }
}

export class ConnectionLost extends Error {
  override readonly name = 'ConnectionLost';
}

function webSocketTransport(url: string): KioskTransport {
  let socket: WebSocket | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = createListenerMap();
  let ready: Promise<WebSocket> | undefined;
  /** View events received: a getView answer is stale if one arrived while it was asked. */
  let viewEvents = 0;

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready;
    ready = new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => resolve(ws));
      ws.addEventListener('error', () =>
        reject(new ConnectionLost('could not connect to the kiosk host')),
      );
      ws.addEventListener('close', () => {
        ready = undefined;
        socket = undefined;
        for (const p of pending.values())
          p.reject(new ConnectionLost('connection to the kiosk host closed'));
        pending.clear();
        // The host may be restarting: reconnect, then replay the current view to subscribers.
        setTimeout(() => void resync(), 1000);
      });
      ws.addEventListener('message', (e) => {
        let msg;
        try {
          msg = serverMessageSchema.parse(JSON.parse(String(e.data)));
        } catch {
          return;
        }
        if (msg.type === 'event') {
          if (msg.event === 'view') viewEvents++;
          if (isKioskEvent(msg.event)) listeners.emit(msg.event, msg.payload);
        } else {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          if (msg.ok) p?.resolve(msg.value);
          else p?.reject(new Error(msg.error));
        }
      });
      socket = ws;
    });
    return ready;
  };

  const resync = async (): Promise<void> => {
    try {
      // A view pushed while the answer was on its way is newer than the answer: keep it.
      const seen = viewEvents;
      const view = await transport.invoke('getView', []);
      if (viewEvents === seen) listeners.emit('view', view);
    } catch {
      setTimeout(() => void resync(), 2000);
    }
  };

  const transport: KioskTransport = {
    async invoke(method: KioskMethodName, args: unknown[]) {
      const ws = socket?.readyState === WebSocket.OPEN ? socket : await connect();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ type: 'call', id, method, args }));
      });
    },
    on(event, listener) {
      void connect().catch(() => undefined);
      return listeners.on(event, listener);
    },
  };
  return transport;
}

export function getKiosk(): KioskApi {
  if (window.kiosk) return window.kiosk;
  const token = document.querySelector<HTMLMetaElement>('meta[name="kiosk-token"]')?.content ?? '';
  const url = `ws://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
  window.kiosk = createKioskApi(webSocketTransport(url));
  return window.kiosk;
}
