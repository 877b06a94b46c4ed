/**
 * Listeners by event name, for every side of a transport that fans one incoming event out to its
 * subscribers: Electron's preload, the renderer's WebSocket bridge, the host's camera previews.
 */
import type { KioskEventName } from './kiosk-api.ts';

export interface ListenerMap<Events> {
  /** Adds a listener; the function it returns removes it again (calling it twice is harmless). */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void;
  emit<E extends keyof Events>(event: E, payload: Events[E]): void;
}

/**
 * By default keyed by the KioskApi's event names with payloads not yet validated, as a transport
 * receives them (createKioskApi validates each before the renderer sees it).
 */
export function createListenerMap<
  Events extends object = Record<KioskEventName, unknown>,
>(): ListenerMap<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? [])
        (listener as (payload: Events[typeof event]) => void)(payload);
    },
  };
}
