/**
 * The simulator control API (simulator mode only): testers and scripts choose who stands in
 * front of the camera, toggle printer faults, take the gateway down, and read the receipts the
 * simulated printer holds, as text and as the exact ESC/POS bytes. Loopback only, and every
 * request must carry the control token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { faultSchema } from '../gateway/simulator/server.ts';
import { escposToText } from '../hardware/printer/escpos-text.ts';
import type { Simulators } from './kiosk-host.ts';
import { tokensEqual } from './web-server.ts';

const sceneSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('person'),
    person: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    photo: z.string().regex(/^[A-Za-z0-9_-]{1,40}\.(png|jpe?g)$/),
  }),
  z.object({ kind: z.literal('empty') }),
]);
const printerSchema = z
  .object({
    paperOut: z.boolean(),
    paperNearEnd: z.boolean(),
    coverOpen: z.boolean(),
    offline: z.boolean(),
  })
  .partial()
  .strict();
const gatewaySchema = z.object({ online: z.boolean() }).strict();
const scannerSchema = z
  .object({ code: z.string().max(20_000).optional(), unplugged: z.boolean().optional() })
  .strict();
const walletSchema = z
  .object({ channel: z.enum(['wechat', 'alipay', 'unionpay']).default('wechat') })
  .strict();
const cameraSchema = z
  .object({ scene: sceneSchema.optional(), unplugged: z.boolean().optional() })
  .strict();

export const CONTROL_HEADER = 'x-kiosk-control';

export function simulatorControl(sims: Simulators, controlToken: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/sim/')) return false;
    const json = (status: number, body: unknown) => {
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
        })
        .end(JSON.stringify(body));
      return true;
    };
    const given = req.headers[CONTROL_HEADER];
    if (typeof given !== 'string' || !tokensEqual(given, controlToken))
      return json(403, { error: 'control token required' });
    const route = `${req.method} ${url.pathname}`;
    const body = async (): Promise<unknown> => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 64 * 1024) throw new Error('body too large');
        chunks.push(chunk as Buffer);
      }
      return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    };
    try {
      switch (route) {
        case 'GET /sim/state':
          return json(200, {
            camera: { scene: sims.camera.currentScene, status: sims.camera.status },
            printer: sims.printer
              ? { ...sims.printer.state, receipts: sims.printer.receipts.length }
              : { simulated: false },
            scanner: sims.scanner ? { status: sims.scanner.status } : { simulated: false },
            gateway: { online: sims.gateway.listening, url: sims.gateway.url },
          });
        case 'POST /sim/camera': {
          const patch = cameraSchema.parse(await body());
          if (patch.scene) sims.camera.setScene(patch.scene);
          if (patch.unplugged !== undefined) sims.camera.setUnplugged(patch.unplugged);
          return json(200, { scene: sims.camera.currentScene });
        }
        case 'POST /sim/printer':
          if (!sims.printer) return json(409, { error: 'the printer is not simulated' });
          sims.printer.configure(printerSchema.parse(await body()));
          return json(200, sims.printer.state);
        case 'GET /sim/printer/receipts':
          return json(
            200,
            (sims.printer?.receipts ?? []).map((bytes, index) => ({
              index,
              text: escposToText(bytes),
              escposBase64: Buffer.from(bytes).toString('base64'),
            })),
          );
        case 'POST /sim/scanner': {
          if (!sims.scanner) return json(409, { error: 'the scanner is not simulated' });
          const patch = scannerSchema.parse(await body());
          if (patch.unplugged !== undefined) sims.scanner.setUnplugged(patch.unplugged);
          const outcome = patch.code !== undefined ? sims.scanner.inject(patch.code) : undefined;
          return json(200, { outcome, status: sims.scanner.status });
        }
        case 'POST /sim/wallet/pay': {
          // The patient scans the on-screen QR with their phone and pays (the newest pending order).
          const { channel } = walletSchema.parse(await body());
          const order = sims.gateway.store.latestPendingOrder();
          if (!order) return json(409, { error: 'no pending order' });
          return json(200, {
            orderNo: order.order_no,
            status: sims.gateway.payOrder(order.order_no, channel),
          });
        }
        case 'POST /sim/gateway/fault':
          sims.gateway.injectFault(faultSchema.parse(await body()));
          return json(200, { ok: true });
        case 'DELETE /sim/gateway/fault':
          sims.gateway.clearFaults();
          return json(200, { ok: true });
        case 'POST /sim/gateway': {
          const { online } = gatewaySchema.parse(await body());
          if (online) await sims.gateway.start();
          else await sims.gateway.stop();
          return json(200, { online: sims.gateway.listening });
        }
        default:
          return json(404, { error: 'unknown control route' });
      }
    } catch (error) {
      return json(400, {
        error: error instanceof Error ? error.message.slice(0, 300) : 'bad request',
      });
    }
  };
}
