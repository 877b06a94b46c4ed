import { describe, expect, it } from 'vitest';
import { clientMessageSchema, serverMessageSchema } from './ws-protocol.ts';

describe('websocket messages', () => {
  it('accepts results, failures and events, and the value may be absent (void results)', () => {
    expect(
      serverMessageSchema.parse(JSON.parse('{"type":"result","id":3,"ok":true}')),
    ).toMatchObject({ id: 3, ok: true });
    expect(
      serverMessageSchema.parse({ type: 'result', id: 4, ok: false, error: 'no' }),
    ).toMatchObject({ ok: false, error: 'no' });
    expect(
      serverMessageSchema.parse({ type: 'event', event: 'view', payload: { screen: 'home' } }),
    ).toMatchObject({ event: 'view' });
  });

  it('refuses malformed messages', () => {
    expect(serverMessageSchema.safeParse({ type: 'result', id: 1, ok: false }).success).toBe(false);
    expect(
      clientMessageSchema.safeParse({ type: 'call', id: -1, method: 'getView', args: [] }).success,
    ).toBe(false);
    expect(
      clientMessageSchema.safeParse({ type: 'call', id: 1, method: 'getView', args: 'x' }).success,
    ).toBe(false);
  });
});
