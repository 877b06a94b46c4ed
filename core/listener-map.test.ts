import { describe, expect, it } from 'vitest';
import { createListenerMap } from './listener-map.ts';

describe('listener map', () => {
  it('hands each event to the listeners of that event only, until they unsubscribe', () => {
    const listeners = createListenerMap();
    const views: unknown[] = [];
    const notices: unknown[] = [];
    const offView = listeners.on('view', (v) => views.push(v));
    listeners.on('view', (v) => views.push(['second', v]));
    listeners.on('notice', (n) => notices.push(n));
    listeners.emit('view', 1);
    offView();
    offView();
    listeners.emit('view', 2);
    listeners.emit('cameraFrame', 3);
    expect(views).toEqual([1, ['second', 1], ['second', 2]]);
    expect(notices).toEqual([]);
  });

  it('adds the same listener once', () => {
    const listeners = createListenerMap<{ tick: number }>();
    const seen: number[] = [];
    const listener = (n: number) => seen.push(n);
    listeners.on('tick', listener);
    listeners.on('tick', listener);
    listeners.emit('tick', 7);
    expect(seen).toEqual([7]);
  });
});
