/**
 * The KioskApi contract, defined once. The renderer gets it as `window.kiosk`, over Electron IPC
 * or a loopback WebSocket, and cannot tell which. Every method and event has a zod schema; the
 * host validates every call's arguments and the renderer validates every result and event.
 * The views' schemas are in session-view-schema.ts and admin mode's in kiosk-api-admin.ts; this
 * file re-exports both, so the contract is imported from here alone.
 */
import { z } from 'zod';
import { MAX_DOCUMENT_NUMBER_LENGTH, documentNumberProblem } from './document-number.ts';
import { chosenCashMethods, documentTypes, kioskModes, noticeKinds } from './vocabulary.ts';
import { centsSchema, shortText } from './api-fields.ts';
import {
  adminLoginResultSchema,
  deviceCheckSchema,
  openPaymentSchema,
  receiptRecordSchema,
  reconciliationSchema,
  staffIdSchema,
} from './kiosk-api-admin.ts';
import { languageSchema, relationSchema, sessionViewSchema } from './session-view-schema.ts';

export * from './session-view-schema.ts';
export * from './kiosk-api-admin.ts';

export const cameraFrameSchema = z.object({
  // A small JPEG preview for the patient to see themselves; never stored.
  dataUrl: z.string().startsWith('data:image/jpeg;base64,').max(2_000_000),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

export const kioskInfoSchema = z.object({
  mode: z.enum(kioskModes),
  /** Where camera frames come from: the host (simulated) or this window (getUserMedia). */
  camera: z.union([
    z.object({ source: z.literal('host') }),
    z.object({
      source: z.literal('renderer'),
      label: shortText.optional(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      fps: z.number().positive(),
      sendFps: z.number().positive(),
    }),
  ]),
  speech: z.object({ rate: z.number().min(0.5).max(1.5), voice: shortText.optional() }),
  /** Seconds without a tap before the warning, and how long the warning counts down. */
  inactivity: z.object({
    warnAfterSeconds: z.number().int().positive(),
    countdownSeconds: z.number().int().positive(),
  }),
  kioskId: shortText,
  hospitalName: shortText,
  version: shortText,
  language: languageSchema,
});

export const staffCallOutcomes = ['sent', 'queued', 'not-connected'] as const;
export type StaffCallOutcome = (typeof staffCallOutcomes)[number];

/**
 * The one maximum for a camera frame sent by the renderer, as a JPEG data URL: a 640x480 JPEG at
 * quality 0.8 is 40-120 kB (55-160 k characters in base64). The renderer lowers the quality to
 * stay under it, the channel carries messages this size (ws-protocol.ts), and the contract and
 * the image decoder refuse anything larger.
 */
export const MAX_CAMERA_FRAME_CHARS = 400_000;

const noArgs = z.tuple([]);
const nothing = z.void();

/** Methods: name -> argument tuple and result. Adding one here adds it to every transport. */
export const kioskMethods = {
  getInfo: { args: noArgs, result: kioskInfoSchema },
  getView: { args: noArgs, result: sessionViewSchema },
  setLanguage: { args: z.tuple([languageSchema]), result: nothing },
  payWithFace: { args: noArgs, result: nothing },
  setUseAccount: { args: z.tuple([z.boolean()]), result: nothing },
  /** The patient's answer on the face-processing consent screen. */
  answerConsent: { args: z.tuple([z.boolean()]), result: nothing },
  /** The 1:1 route: the patient keys in their ID number, then the camera verifies them. */
  payWithIdNumber: { args: noArgs, result: nothing },
  submitIdNumber: {
    args: z.tuple([z.string().regex(/^\d{17}[\dXx]$/)]),
    result: z.object({ accepted: z.boolean() }),
  },
  /** Last 4 characters of the ID number, when two enrolled people look alike. */
  submitSecondFactor: { args: z.tuple([z.string().regex(/^[\dXx]{4}$/)]), result: nothing },
  selectBill: {
    args: z.tuple([
      z
        .string()
        .min(1)
        .max(64)
        .regex(/^[\w-]+$/),
    ]),
    result: nothing,
  },
  confirmPayment: { args: noArgs, result: nothing },
  /** The patient tapped "more time" on the inactivity warning (or anywhere): the session goes on. */
  stillHere: { args: noArgs, result: nothing },
  chooseCashMethod: { args: z.tuple([z.enum(chosenCashMethods)]), result: nothing },
  cancel: { args: noArgs, result: nothing },
  finish: { args: noArgs, result: nothing },
  /**
   * A staff member's id and PIN; a bare PIN is the one shared admin PIN (simulator mode, or a
   * production kiosk with no staff accounts yet, deprecated).
   */
  adminLogin: {
    args: z.tuple([
      z.union([
        z.string().regex(/^\d{1,12}$/),
        z.strictObject({ staffId: staffIdSchema, pin: z.string().regex(/^\d{1,12}$/) }),
      ]),
    ]),
    result: adminLoginResultSchema,
  },
  /** Waits (up to 20 s) for a staff badge at the scanner and signs its holder in. */
  adminBadgeLogin: { args: noArgs, result: adminLoginResultSchema },
  adminDiagnostics: {
    args: z.tuple([z.object({ testPrint: z.boolean() })]),
    result: z.array(deviceCheckSchema).max(20),
  },
  adminReconcile: { args: noArgs, result: reconciliationSchema },
  adminReceipts: { args: noArgs, result: z.array(receiptRecordSchema).max(50) },
  /** Payments still being resolved (in doubt, a refund under way), oldest first. */
  adminOpenPayments: { args: noArgs, result: z.array(openPaymentSchema).max(200) },
  /** Asks the gateway about every open payment now, then lists what is still open. */
  adminCheckPayments: { args: noArgs, result: z.array(openPaymentSchema).max(200) },
  adminReprint: {
    args: z.tuple([
      z
        .string()
        .min(1)
        .max(30)
        .regex(/^[\w-]+$/),
    ]),
    result: z.object({ printed: z.boolean(), problem: shortText.optional() }),
  },
  /**
   * A supervisor refunds a settlement this kiosk made (2208, then the cash part back the way it
   * was paid), journalled like a payment; a refund slip is printed for the patient.
   */
  adminRefund: {
    args: z.tuple([
      z
        .string()
        .min(1)
        .max(30)
        .regex(/^[\w-]+$/),
    ]),
    result: z.object({
      refunded: z.boolean(),
      alreadyRefunded: z.boolean(),
      cash: centsSchema,
      slipPrinted: z.boolean(),
    }),
  },
  adminLogs: { args: noArgs, result: z.array(z.string().max(2000)).max(500) },
  adminExit: { args: noArgs, result: nothing },
  /** A camera frame read by this window (renderer camera only), as a JPEG data URL. */
  pushCameraFrame: {
    args: z.tuple([z.string().startsWith('data:image/jpeg;base64,').max(MAX_CAMERA_FRAME_CHARS)]),
    result: z.object({ kept: z.boolean() }),
  },
  cameraStatus: { args: z.tuple([z.enum(['ready', 'unplugged'])]), result: nothing },
  openMember: { args: z.tuple([z.string().min(1).max(40)]), result: nothing },
  backToBills: { args: noArgs, result: nothing },
  startBind: { args: noArgs, result: nothing },
  submitBindId: {
    args: z.tuple([z.string().regex(/^\d{17}[\dXx]$/)]),
    result: z.object({ accepted: z.boolean() }),
  },
  chooseRelation: { args: z.tuple([relationSchema]), result: nothing },
  submitBindDocument: {
    args: z.tuple([
      z
        .object({
          documentType: z.enum(documentTypes),
          documentNumber: z
            .string()
            .max(MAX_DOCUMENT_NUMBER_LENGTH)
            .regex(/^[\dA-Za-z]+$/),
          staffPin: z.string().regex(/^\d{1,12}$/),
        })
        // Each document type's own form (an ID number by its check character): a malformed
        // number is refused here, whatever the screen let through.
        .refine((d) => documentNumberProblem(d.documentType, d.documentNumber) === undefined, {
          message: 'not a number this document type has',
          path: ['documentNumber'],
        }),
    ]),
    result: z.object({ accepted: z.boolean() }),
  },
  startUnbind: { args: z.tuple([z.string().min(1).max(40)]), result: nothing },
  confirmUnbind: { args: noArgs, result: nothing },
  /**
   * Asks a member of staff to come to this kiosk; allowed on every screen. What the patient may
   * be told: the hospital's system took the call (`sent`), it is being delivered (`queued`), or
   * this kiosk has no way to call anyone (`not-connected`).
   */
  callStaff: {
    args: noArgs,
    result: z.object({ outcome: z.enum(staffCallOutcomes) }),
  },
} as const;

/** Something the patient should know that does not change the screen (a scan we cannot use). */
export const noticeSchema = z.object({
  notice: z.enum(noticeKinds),
});

/** Events: name -> payload. The renderer subscribes with `on` + capitalised name. */
export const kioskEvents = {
  view: sessionViewSchema,
  cameraFrame: cameraFrameSchema,
  notice: noticeSchema,
} as const;

export type KioskMethodName = keyof typeof kioskMethods;
export type KioskEventName = keyof typeof kioskEvents;
export type CameraFrame = z.infer<typeof cameraFrameSchema>;
export type KioskInfo = z.infer<typeof kioskInfoSchema>;
export type Notice = z.infer<typeof noticeSchema>;
export type KioskEventPayload<E extends KioskEventName> = z.infer<(typeof kioskEvents)[E]>;
export type KioskMethodArgs<K extends KioskMethodName> = z.infer<(typeof kioskMethods)[K]['args']>;
export type KioskMethodResult<K extends KioskMethodName> = z.infer<
  (typeof kioskMethods)[K]['result']
>;

export type KioskMethods = {
  [K in KioskMethodName]: (...args: KioskMethodArgs<K>) => Promise<KioskMethodResult<K>>;
};

export type Unsubscribe = () => void;

export const kioskMethodNames = Object.keys(kioskMethods) as KioskMethodName[];
export const kioskEventNames = Object.keys(kioskEvents) as KioskEventName[];

/** One `on` + capitalised name per event in kioskEvents. */
export type KioskSubscriptions = {
  [E in KioskEventName as `on${Capitalize<E>}`]: (
    listener: (payload: KioskEventPayload<E>) => void,
  ) => Unsubscribe;
};

/** What the renderer sees as window.kiosk. */
export interface KioskApi extends KioskMethods, KioskSubscriptions {}

export class KioskCallError extends Error {
  override readonly name = 'KioskCallError';
}

export function isKioskMethod(name: unknown): name is KioskMethodName {
  return typeof name === 'string' && Object.hasOwn(kioskMethods, name);
}

export function isKioskEvent(name: unknown): name is KioskEventName {
  return typeof name === 'string' && Object.hasOwn(kioskEvents, name);
}

/** Host side of every transport: allowlist the method, validate the arguments, then call. */
export async function dispatchKioskCall(
  service: KioskMethods,
  method: unknown,
  args: unknown,
): Promise<unknown> {
  if (!isKioskMethod(method))
    throw new KioskCallError(`unknown method: ${String(method).slice(0, 40)}`);
  const parsed = kioskMethods[method].args.safeParse(args);
  if (!parsed.success) throw new KioskCallError(`invalid arguments for ${method}`);
  const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(service, parsed.data as unknown[]);
}

export interface KioskTransport {
  invoke(method: KioskMethodName, args: unknown[]): Promise<unknown>;
  on(event: KioskEventName, listener: (payload: unknown) => void): Unsubscribe;
}

/** Renderer side of every transport: one typed proxy that validates what comes back. */
export function createKioskApi(transport: KioskTransport): KioskApi {
  const api = {} as Record<string, unknown>;
  for (const name of kioskMethodNames) {
    api[name] = async (...args: unknown[]) => {
      const result = await transport.invoke(name, args);
      return kioskMethods[name].result.parse(result);
    };
  }
  for (const event of kioskEventNames) {
    // `view` -> `onView`, as KioskSubscriptions names it.
    api[`on${event.charAt(0).toUpperCase()}${event.slice(1)}`] = (
      listener: (payload: unknown) => void,
    ): Unsubscribe =>
      transport.on(event, (payload) => {
        const parsed = kioskEvents[event].safeParse(payload);
        if (parsed.success) listener(parsed.data);
      });
  }
  return api as unknown as KioskApi;
}
