/**
 * KioskApi over a WebSocket: the message shapes both ends validate. Calls carry an id so
 * answers can come back in any order; events are pushed by name.
 */
import { z } from 'zod';
import { MAX_CAMERA_FRAME_CHARS } from './kiosk-api.ts';

export const clientMessageSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().max(40),
  args: z.array(z.unknown()).max(8),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.union([
  z.object({
    type: z.literal('result'),
    id: z.number().int(),
    ok: z.literal(true),
    value: z.unknown().optional(),
  }),
  z.object({
    type: z.literal('result'),
    id: z.number().int(),
    ok: z.literal(false),
    error: z.string().max(500),
  }),
  z.object({ type: z.literal('event'), event: z.string().max(40), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export const WS_PATH = '/kiosk';
/** The largest message either end sends: a camera frame (the largest call) and its envelope. */
export const MAX_MESSAGE_BYTES = MAX_CAMERA_FRAME_CHARS + 4096;
