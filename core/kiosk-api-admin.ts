/**
 * What admin mode's methods take and answer: staff sign-in, the device check, receipts for
 * reprint, the reconciliation and the payments still open. Part of the KioskApi contract
 * (kiosk-api.ts re-exports it).
 */
import { z } from 'zod';
import { centsSchema, shortText } from './api-fields.ts';
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

export type OpenPayment = z.infer<typeof openPaymentSchema>;
export type AdminLoginResult = z.infer<typeof adminLoginResultSchema>;
export type DeviceCheck = z.infer<typeof deviceCheckSchema>;
export type ReceiptRecord = z.infer<typeof receiptRecordSchema>;
export type Reconciliation = z.infer<typeof reconciliationSchema>;
