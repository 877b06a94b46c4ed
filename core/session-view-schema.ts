/**
 * What the patient's screen shows: the session's view, one schema per screen, and the parts it is
 * made of (the patient, bills, the split, the family, out of service). Part of the KioskApi
 * contract (kiosk-api.ts re-exports it): the renderer validates every view it is sent.
 */
import { z } from 'zod';
import { centsSchema, shortText } from './api-fields.ts';
import { kioskErrorCodes } from './errors.ts';
import {
  billCategories,
  cashMethods,
  faceHints,
  familyRefusalRules,
  familyRelations,
  insuranceTypes,
  itemClasses,
  languages,
  loadingSubjects,
  visitTypes,
} from './vocabulary.ts';

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

export const relationSchema = z.enum(familyRelations);
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

export type SessionView = z.infer<typeof sessionViewSchema>;
export type PatientView = z.infer<typeof patientViewSchema>;
export type BillView = z.infer<typeof billViewSchema>;
export type SplitView = z.infer<typeof splitViewSchema>;
export type FaceHint = z.infer<typeof faceHintSchema>;
export type OutOfService = z.infer<typeof outOfServiceSchema>;
