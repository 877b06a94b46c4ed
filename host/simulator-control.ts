/**
 * The simulator control API (simulator mode only): testers and scripts choose who stands in
 * front of the camera, hold codes to the scanner, toggle printer faults, take the gateway down or
 * arm its faults, pay the pending mobile order, read the receipts the simulated printer holds
 * (as text, as the exact ESC/POS bytes and as a picture of the paper), and reset the whole
 * simulated world to the scenario as loaded. Loopback only, and
 * every request must carry the control token; only the tester panel's own files (/sim/panel*),
 * which hold no data and ask for the token, are served without it.
 * Routes and examples: docs/simulators.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { faultSchema } from '../gateway/simulator/faults.ts';
import { walletChannels } from '../gateway/wire-vocabulary.ts';
import { projectRoot } from '../face/face-engine.ts';
import { escposToText } from '../hardware/printer/escpos-text.ts';
import { renderReceiptPng } from '../hardware/printer/receipt-image.ts';
import { defaultFixturesDir, type Simulators } from './kiosk-host.ts';
import { CONTENT_SECURITY_POLICY, tokensEqual } from './web-server.ts';

const NAME = /^[A-Za-z0-9_-]{1,40}$/;
const PHOTO = /^[A-Za-z0-9_-]{1,40}\.(png|jpe?g)$/;

const sceneSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('person'),
    person: z.string().regex(NAME, 'a fixture folder name (letters, digits, _ or -)'),
    photo: z.string().regex(PHOTO, 'a file name such as "3.png"'),
  }),
  z.strictObject({ kind: z.literal('empty') }),
  // Several people at once: a group photo from the fixtures' _group folder.
  z.strictObject({
    kind: z.literal('group'),
    photo: z.string().regex(PHOTO, 'a file name such as "bbt1.jpg"'),
  }),
]);
const printerSchema = z
  .object({
    paperOut: z.boolean(),
    paperNearEnd: z.boolean(),
    coverOpen: z.boolean(),
    offline: z.boolean(),
    /** Bytes of paper left before it runs out mid-receipt; null puts an endless roll back. */
    paperLeftBytes: z.number().int().min(0).max(10_000_000).nullable(),
  })
  .partial()
  .strict();
const gatewaySchema = z.object({ online: z.boolean() }).strict();
const scannerSchema = z
  .object({ code: z.string().max(20_000).optional(), unplugged: z.boolean().optional() })
  .strict()
  .refine((s) => s.code !== undefined || s.unplugged !== undefined, {
    message: 'give "code" (a text to scan) or "unplugged" (true or false)',
  });
const walletSchema = z.object({ channel: z.enum(walletChannels).default('wechat') }).strict();
const cameraSchema = z
  .object({ scene: sceneSchema.optional(), unplugged: z.boolean().optional() })
  .strict();
const strictFaultSchema = faultSchema.strict();

export const CONTROL_HEADER = 'x-kiosk-control';

/** The tester panel: plain files, no build step, served under the web server's CSP. */
const panelDir = join(projectRoot, 'host', 'sim-panel');
const panelFiles: Record<string, { file: string; type: string }> = {
  '/sim/panel': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/sim/panel.js': { file: 'panel.js', type: 'text/javascript; charset=utf-8' },
  '/sim/panel.css': { file: 'panel.css', type: 'text/css; charset=utf-8' },
};

const RECEIPT_PNG = /^\/sim\/printer\/receipts\/(\d{1,7})\.png$/;

function describeError(error: unknown): string {
  if (error instanceof z.ZodError) {
    return error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
      .join('; ');
  }
  if (error instanceof SyntaxError) return 'the body is not valid JSON';
  return error instanceof Error ? error.message : 'bad request';
}

/** What the reset needs to know of the kiosk itself, whose journal is not the simulator's world. */
export interface KioskActivity {
  /** Payments the kiosk's journal still has open (being settled, or checked by recovery). */
  openPayments(): number;
  /** The patient's screen now (the session state's kind). */
  screen(): string;
  /** Back to the home screen, as the patient's "cancel" does. */
  toHome(): void;
}

/**
 * Screens during which the kiosk is writing to the gateway (a payment from the review on, a
 * binding or unbinding): resetting the world under them would leave the kiosk with a payment or
 * binding the gateway never heard of.
 */
const BUSY_SCREENS = new Set([
  'review',
  'choose-cash',
  'opening-cash',
  'paying-cash',
  'settling',
  'printing',
  'binding',
  'unbinding',
]);

export interface SimulatorControlOptions {
  /** Where the camera's person folders are (for the panel's list of people). */
  fixturesDir?: string;
  /** The kiosk, so a reset is refused while it pays or has payments open (web mode gives it). */
  kiosk?: KioskActivity;
}

/**
 * Why the world cannot be reset now, or undefined. An open payment in the kiosk's journal would
 * be checked against a gateway that no longer has it (and never will): refused, not hidden.
 */
function resetRefusal(kiosk: KioskActivity | undefined): string | undefined {
  if (!kiosk) return undefined;
  const screen = kiosk.screen();
  if (BUSY_SCREENS.has(screen))
    return `a patient is paying or binding at the kiosk (screen "${screen}"): let it finish or cancel it, then reset`;
  const open = kiosk.openPayments();
  if (open > 0)
    return `the kiosk still has ${open} payment${open === 1 ? '' : 's'} open (being settled or checked): let recovery finish them (admin mode, "check now"), then reset`;
  return undefined;
}

export function simulatorControl(
  sims: Simulators,
  controlToken: string,
  options: SimulatorControlOptions = {},
) {
  const fixturesDir = options.fixturesDir ?? defaultFixturesDir;
  // A kept receipt never changes, so its picture is drawn once.
  const pictures = new WeakMap<Uint8Array, Uint8Array>();

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
    const panelFile = panelFiles[url.pathname];
    if (panelFile && req.method === 'GET') {
      res
        .writeHead(200, {
          'content-type': panelFile.type,
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
        })
        .end(readFileSync(join(panelDir, panelFile.file)));
      return true;
    }
    const given = req.headers[CONTROL_HEADER];
    if (typeof given !== 'string' || !tokensEqual(given, controlToken))
      return json(403, { error: 'control token required' });
    const route = `${req.method} ${url.pathname}`;
    const body = async (): Promise<unknown> => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 64 * 1024) throw new Error('body too large (64 KiB at most)');
        chunks.push(chunk as Buffer);
      }
      return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    };
    try {
      const png = req.method === 'GET' ? RECEIPT_PNG.exec(url.pathname) : null;
      if (png) {
        if (!sims.printer) return json(409, { error: 'the printer is not simulated' });
        const index = Number(png[1]);
        const receipts = sims.printer.receipts;
        const bytes = receipts[index];
        if (!bytes)
          return json(404, {
            error:
              receipts.length === 0
                ? `no receipt ${index}: the printer holds no receipts yet`
                : `no receipt ${index}: the printer holds ${receipts.length} (0-${receipts.length - 1})`,
          });
        let picture = pictures.get(bytes);
        if (!picture) {
          picture = renderReceiptPng(bytes);
          pictures.set(bytes, picture);
        }
        res
          .writeHead(200, {
            'content-type': 'image/png',
            'content-length': picture.length,
            'cache-control': 'no-store',
          })
          .end(picture);
        return true;
      }
      switch (route) {
        case 'GET /sim/state':
          return json(200, {
            camera: sims.camera
              ? { scene: sims.camera.currentScene, status: sims.camera.status }
              : { simulated: false },
            printer: sims.printer
              ? {
                  ...sims.printer.state,
                  paperLeftBytes: sims.printer.state.paperLeftBytes ?? null,
                  receipts: sims.printer.receipts.length,
                }
              : { simulated: false },
            scanner: sims.scanner
              ? { status: sims.scanner.status, unplugged: sims.scanner.isUnplugged }
              : { simulated: false },
            gateway: { online: sims.gateway.listening, url: sims.gateway.url },
            // Why POST /sim/reset would be refused now (null: it would not be).
            reset: { refusal: resetRefusal(options.kiosk) ?? null },
          });
        case 'GET /sim/camera/people':
          return json(200, listPeople(fixturesDir));
        case 'POST /sim/camera': {
          const patch = cameraSchema.parse(await body());
          if (!sims.camera) return json(409, { error: 'the camera is not simulated' });
          if (patch.scene) sims.camera.setScene(patch.scene);
          if (patch.unplugged !== undefined) sims.camera.setUnplugged(patch.unplugged);
          return json(200, { scene: sims.camera.currentScene, status: sims.camera.status });
        }
        case 'POST /sim/printer': {
          if (!sims.printer) return json(409, { error: 'the printer is not simulated' });
          const { paperLeftBytes, ...toggles } = printerSchema.parse(await body());
          sims.printer.configure({
            ...toggles,
            ...(paperLeftBytes !== undefined
              ? { paperLeftBytes: paperLeftBytes ?? undefined }
              : {}),
          });
          return json(200, {
            ...sims.printer.state,
            paperLeftBytes: sims.printer.state.paperLeftBytes ?? null,
          });
        }
        case 'GET /sim/printer/receipts':
          return json(
            200,
            (sims.printer?.receipts ?? []).map((bytes, index) => ({
              index,
              text: escposToText(bytes),
              escposBase64: Buffer.from(bytes).toString('base64'),
              image: `sim/printer/receipts/${index}.png`,
            })),
          );
        case 'POST /sim/scanner': {
          if (!sims.scanner) return json(409, { error: 'the scanner is not simulated' });
          const patch = scannerSchema.parse(await body());
          if (patch.unplugged !== undefined) sims.scanner.setUnplugged(patch.unplugged);
          const outcome = patch.code !== undefined ? sims.scanner.inject(patch.code) : undefined;
          return json(200, {
            outcome,
            status: sims.scanner.status,
            unplugged: sims.scanner.isUnplugged,
          });
        }
        case 'POST /sim/face': {
          const { liveness } = z.strictObject({ liveness: z.boolean() }).parse(await body());
          sims.face.setLiveness(liveness);
          return json(200, { liveness });
        }
        case 'POST /sim/wallet/expire':
          // The patient walks off without paying: the pending order's time runs out now.
          return json(200, { expired: sims.gateway.expirePendingOrders() });
        case 'POST /sim/wallet/pay': {
          // The patient scans the on-screen QR with their phone and pays (the newest pending order).
          const { channel } = walletSchema.parse(await body());
          const order = sims.gateway.store.orders.latestPending();
          if (!order) return json(409, { error: 'no pending order' });
          return json(200, {
            orderNo: order.order_no,
            status: sims.gateway.payOrder(order.order_no, channel),
          });
        }
        case 'GET /sim/gateway/bill': {
          const id = url.searchParams.get('id') ?? '';
          const record = /^[\w-]{1,64}$/.test(id) ? sims.gateway.billRecord(id) : undefined;
          return record ? json(200, record) : json(404, { error: 'no such bill' });
        }
        case 'POST /sim/gateway/fault':
          sims.gateway.injectFault(strictFaultSchema.parse(await body()));
          return json(200, { ok: true });
        case 'DELETE /sim/gateway/fault':
          sims.gateway.clearFaults();
          return json(200, { ok: true });
        case 'POST /sim/reset': {
          // The simulator's world back to the scenario as loaded, its devices as they started.
          const refusal = resetRefusal(options.kiosk);
          if (refusal) return json(409, { error: refusal });
          const screen = options.kiosk?.screen();
          if (screen !== undefined && screen !== 'home') options.kiosk!.toHome();
          const { cleared } = sims.gateway.resetWorld();
          await sims.gateway.start();
          sims.printer?.receipts.splice(0);
          sims.printer?.configure({
            paperOut: false,
            paperNearEnd: false,
            coverOpen: false,
            offline: false,
            paperLeftBytes: undefined,
          });
          sims.camera?.setScene({ kind: 'empty' });
          sims.camera?.setUnplugged(false);
          sims.scanner?.setUnplugged(false);
          return json(200, { cleared, screen: options.kiosk?.screen() ?? null });
        }
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
      return json(400, { error: describeError(error).slice(0, 300) });
    }
  };
}

/** The fixture folders a tester can put in front of the camera, with their photos. */
function listPeople(fixturesDir: string): { person: string; photos: string[] }[] {
  let folders: string[];
  try {
    folders = readdirSync(fixturesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && NAME.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    throw new Error(`no camera fixtures at ${fixturesDir}`);
  }
  return folders.map((person) => ({
    person,
    photos: readdirSync(join(fixturesDir, person))
      .filter((f) => PHOTO.test(f))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
  }));
}
