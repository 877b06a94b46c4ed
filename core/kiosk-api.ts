/**
 * The KioskApi contract, defined once. The renderer gets it as `window.kiosk`, over Electron IPC
 * or a loopback WebSocket, and cannot tell which. Every method and event has a zod schema; the
 * host validates every call's arguments and the renderer validates every result and event.
 */
import { z } from 'zod';
import { MAX_DOCUMENT_NUMBER_LENGTH, documentNumberProblem } from './document-number.ts';
import { kioskErrorCodes } from './errors.ts';
import {
  billCategories,
  cashMethods,
  chosenCashMethods,
  documentTypes,
  faceHints,
  familyRefusalRules,
  familyRelations,
  insuranceTypes,
  itemClasses,
  kioskModes,
  languages,
  loadingSubjects,
  noticeKinds,
  visitTypes,
} from './vocabulary.ts';

const centsSchema = z.number().int().min(0).max(1e12);
const shortText = z.string().max(200);

export const languageSchema = z.enum(languages);

export const patientViewSchema = z.object({
  maskedName: shortText,
  maskedIdNumber: shortText,
  insuranceType: z.enum(insuranceTypes),
});

export const billItemViewSchema = z.object({
  name: shortText,
  itemClass: z.enum(itemClasses),
  quantity: z.number().positive(),
  amount: centsSchema,
});

export const billViewSchema = z.object({
  id: z.string().min(1).max(64),
  visitType: z.enum(visitTypes),
  category: z.enum(billCategories),
  department: shortText,
  createdAt: shortText,
  total: centsSchema,
  items: z.array(billItemViewSchema).max(500),
  beingChecked: z.boolean().optional(),
});

export const splitViewSchema = z.object({
  total: centsSchema,
  fund: centsSchema,
  personalPart: centsSchema,
  account: centsSchema,
  mutualAid: centsSchema,
  cash: centsSchema,
});

/**
 * A discharge's deposits against its cash part: the deposits paid (and how many), then either
 * what is left to pay or what the hospital refunds.
 */
export const depositsViewSchema = z.object({
  total: centsSchema,
  count: z.number().int().min(0).max(1000),
  due: centsSchema,
  refund: centsSchema,
});

export const faceHintSchema = z.enum(faceHints);

const relationSchema = z.enum(familyRelations);
export const memberViewSchema = z.object({
  bindingId: z.string().max(40),
  maskedName: shortText,
  relation: relationSchema,
});
export const familyViewSchema = z.object({
  members: z.array(memberViewSchema.extend({ unpaidBills: z.number().int().min(0) })).max(20),
  boundBy: z.array(memberViewSchema).max(20),
});
export const quotaViewSchema = z.object({
  remaining: z.number().int().min(0),
  resetsOn: shortText,
});

/**
 * Why the kiosk cannot take payments now (host/service-health.ts), and what a patient can still
 * do here; the home screen sends them to the counter.
 */
export const outOfServiceSchema = z.object({
  reasons: z
    .array(z.enum(['gateway-unreachable', 'cannot-identify']))
    .min(1)
    .max(2),
  stillWorks: z.array(z.enum(['call-staff'])).max(1),
});

export const sessionViewSchema = z.discriminatedUnion('screen', [
  z.object({ screen: z.literal('home'), outOfService: outOfServiceSchema.optional() }),
  z.object({ screen: z.literal('identifying'), hint: faceHintSchema }),
  z.object({ screen: z.literal('not-recognised') }),
  z.object({ screen: z.literal('id-entry') }),
  z.object({ screen: z.literal('consent') }),
  z.object({ screen: z.literal('second-factor') }),
  z.object({
    screen: z.literal('loading'),
    what: z.enum(loadingSubjects),
  }),
  z.object({
    screen: z.literal('choose-cash'),
    cash: centsSchema,
    credit: z.object({ available: centsSchema, repayDate: shortText }).nullable(),
  }),
  z.object({
    screen: z.literal('paying-cash'),
    amount: centsSchema,
    codeUrl: z.string().max(500),
    expiresAt: shortText,
  }),
  z.object({
    screen: z.literal('bills'),
    patient: patientViewSchema,
    bills: z.array(billViewSchema),
    family: familyViewSchema.nullable(),
    quota: quotaViewSchema.nullable(),
  }),
  z.object({
    screen: z.literal('member-bills'),
    member: memberViewSchema,
    bills: z.array(billViewSchema),
    /** Bills a family account may not pay (chronic, maternity, work injury). */
    excluded: z.array(z.string().max(64)),
  }),
  z.object({
    screen: z.literal('family-refused'),
    rule: z.enum(familyRefusalRules),
    resetsOn: shortText.nullable(),
  }),
  z.object({ screen: z.literal('bind-id'), quota: quotaViewSchema.nullable() }),
  z.object({ screen: z.literal('bind-relation'), verification: z.enum(['face', 'document']) }),
  z.object({ screen: z.literal('bind-face'), hint: faceHintSchema }),
  z.object({ screen: z.literal('bind-document') }),
  z.object({ screen: z.literal('bind-done'), member: z.object({ maskedName: shortText }) }),
  z.object({
    screen: z.literal('unbind-confirm'),
    member: memberViewSchema,
    side: z.enum(['payer', 'member']),
  }),
  z.object({
    screen: z.literal('review'),
    forMember: memberViewSchema.nullable(),
    /** Whether the personal account pays; the patient may switch it off. */
    useAccount: z.boolean(),
    patient: patientViewSchema,
    bill: billViewSchema,
    split: splitViewSchema,
    /** A discharge: the deposits netted off the cash part; absent for any other bill. */
    deposits: depositsViewSchema.optional(),
  }),
  z.object({
    screen: z.literal('done'),
    patient: patientViewSchema,
    bill: billViewSchema,
    split: splitViewSchema,
    deposits: depositsViewSchema.optional(),
    settlementId: shortText,
    receipt: z.enum(['printed', 'not-printed']),
    method: z.enum(cashMethods),
    repayDate: shortText.nullable(),
    eReceiptUrl: z.string().max(500),
  }),
  z.object({
    screen: z.literal('error'),
    error: z.enum(kioskErrorCodes),
    slipPrinted: z.boolean().optional(),
  }),
]);

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

/** Admin roles: an operator tends paper, reprints and devices; a supervisor may also reconcile. */
export const staffRoles = ['operator', 'supervisor'] as const;
export type StaffRole = (typeof staffRoles)[number];
/** A staff member's id as keyed in at the kiosk (the hospital's staff number). */
export const staffIdSchema = z.string().regex(/^\d{1,12}$/);

export const adminLoginResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    /** Who is signed in: a staff id, or `shared-pin` for the one admin PIN. */
    staffId: shortText,
    role: z.enum(staffRoles),
  }),
  z.object({
    ok: z.literal(false),
    reason: z.literal('wrong-pin'),
    attemptsLeft: z.number().int().min(0),
  }),
  z.object({ ok: z.literal(false), reason: z.literal('locked'), lockedUntil: shortText }),
  /** A badge login that saw no staff badge scanned in time (the renderer asks again). */
  z.object({ ok: z.literal(false), reason: z.literal('no-badge') }),
  /** The shared admin PIN where staff accounts replace it (production with `staff`). */
  z.object({ ok: z.literal(false), reason: z.literal('staff-id-needed') }),
]);
/** What admin mode's device check looks at. */
export const checkedDevices = ['camera', 'printer', 'scanner', 'face', 'gateway'] as const;
/** A checked part's state: a device's status kind, the face gallery's, or the gateway's. */
export const checkStatuses = [
  'ready',
  'busy',
  'offline',
  'unplugged',
  'paper-near-end',
  'paper-out',
  'cover-open',
  'error',
  'sync-failing',
  'empty',
  'reachable',
  'unreachable',
  'not-checked',
] as const;
/** What a check found, as a code the renderer words in the staff member's language. */
export const checkFindings = [
  'camera-frame',
  'printer-ready',
  'test-page-printed',
  'test-page-failed',
  'not-ready',
  'scanner-ready',
  'face-gallery',
  'face-gallery-synced',
  'face-empty',
  'face-sync-failing',
  'gateway-reachable',
  'gateway-unreachable',
  'gateway-not-checked',
  'failed',
] as const;
export const deviceCheckSchema = z.object({
  device: z.enum(checkedDevices),
  /** `simulated` or `real`; for the face, the engine (`wasm x2`). */
  kind: shortText,
  status: z.enum(checkStatuses),
  result: z.enum(['pass', 'fail']),
  finding: z.enum(checkFindings),
  /** The finding's values (counts, times, a device's own error message). */
  values: z.record(z.string().max(20), shortText),
  /** The finding in English, as the log and a support ticket have it. */
  detail: z.string().max(500),
});
export const receiptRecordSchema = z.object({
  settlementId: shortText,
  printedAt: shortText,
  /** When it was printed, in the hospital's time zone: `2026-11-30 14:05`. */
  time: shortText,
  /** The patient of the bill, masked (张*明); empty when the sealed receipt does not open. */
  patient: shortText,
  total: centsSchema,
  printed: z.boolean(),
});
const signedCents = z.number().int().min(-1e12).max(1e12);
const reconciledTotalsSchema = z.object({
  total: signedCents,
  fund: signedCents,
  account: signedCents,
  cash: signedCents,
  count: z.number().int().min(0),
});
export const reconciliationVerdicts = [
  'only-at-gateway',
  'only-at-kiosk',
  'amounts-differ',
] as const;
export const reconciliationSchema = z.object({
  agree: z.boolean(),
  /** The report in English, as printed and logged. */
  report: z.string().max(5000),
  date: shortText,
  kioskId: shortText,
  ours: reconciledTotalsSchema,
  theirs: reconciledTotalsSchema,
  /** Groups (insurance type x clearing type) with a settlement on either side. */
  groups: z
    .array(
      z.object({
        insuranceType: shortText,
        clearing: z.enum(['outpatient', 'inpatient', 'other']),
        agree: z.boolean(),
        ours: reconciledTotalsSchema,
        theirs: reconciledTotalsSchema,
        differing: z
          .array(z.object({ settlementId: shortText, verdict: z.enum(reconciliationVerdicts) }))
          .max(200),
      }),
    )
    .max(50),
  /** Payments still being resolved: a mismatch may be explained by these. */
  openPayments: z.number().int().min(0),
});
/** A payment still being resolved, for staff (the reference is on the patient's slip). */
export const openPaymentSchema = z.object({
  reference: shortText,
  billId: shortText,
  since: shortText,
  total: centsSchema,
  cash: centsSchema,
  settleState: shortText,
  cashState: shortText,
  problem: shortText,
});

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
export type SessionView = z.infer<typeof sessionViewSchema>;
export type PatientView = z.infer<typeof patientViewSchema>;
export type BillView = z.infer<typeof billViewSchema>;
export type SplitView = z.infer<typeof splitViewSchema>;
export type CameraFrame = z.infer<typeof cameraFrameSchema>;
export type KioskInfo = z.infer<typeof kioskInfoSchema>;
export type FaceHint = z.infer<typeof faceHintSchema>;
export type Notice = z.infer<typeof noticeSchema>;
export type OutOfService = z.infer<typeof outOfServiceSchema>;
export type OpenPayment = z.infer<typeof openPaymentSchema>;
export type AdminLoginResult = z.infer<typeof adminLoginResultSchema>;
export type DeviceCheck = z.infer<typeof deviceCheckSchema>;
export type ReceiptRecord = z.infer<typeof receiptRecordSchema>;
export type Reconciliation = z.infer<typeof reconciliationSchema>;
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
