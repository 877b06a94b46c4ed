/**
 * Wire schemas of the family accounts (kiosk extension K601-K604); protocol.ts lists them in its
 * transactions table. Rules: core/family.ts, docs/family.md. A refusal names its rule:
 * err_msg = "family rule <rule>: <why>[; resets on yyyy-MM-dd]".
 */
import { z } from 'zod';
import { documentTypes, familyRelations } from '../core/vocabulary.ts';
import { basicInsutype, code } from './wire-vocabulary.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** yyyy-MM-dd HH:mm:ss, hospital time zone; empty for a binding made before records began. */
const localTimeOrEmpty = z.string().regex(/^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?$/);
export const familyRelation = z.enum(familyRelations);
/** The other party of a binding. Unmasked on the wire: the kiosk masks what it shows. */
const familyParty = z.object({
  bind_id: code(30),
  psn_no: code(30),
  psn_name: code(50),
  brdy: date,
  relation: familyRelation, // the member's relation to the payer
  bound_at: localTimeOrEmpty,
});
export const familyListInput = z.object({ data: z.object({ psn_no: code(30) }) });
export const familyListOutput = z.object({
  /** People this person bound: their bills can be paid with this person's account. */
  members: z
    .array(
      familyParty.extend({
        // What 2206/2207 for the member's bills needs, without a 1101 for someone not present.
        // The member's basic insurance: family accounts pay only regular bills (docs/family.md).
        insutype: basicInsutype,
        insuplc_admdvs: z.string().max(6),
        unpaid_cnt: z.number().int().min(0),
      }),
    )
    .max(100),
  /** People who bound this person (no bill counts: a member does not see the payer's bills). */
  bound_by: z.array(familyParty).max(100),
});
export const bindVerification = z.discriminatedUnion('method', [
  /** 16 or over on the binding date: the member's face verified at the kiosk. */
  z.object({ method: z.literal('face'), verified: z.boolean() }),
  /**
   * Under 16: an identity document (doc_type: 01 ID card, 02 household register, 03 birth
   * certificate, 04 passport/travel permit) checked by staff. Empty strings are accepted here so
   * the refusal can say which part is missing.
   */
  z.object({
    method: z.literal('document'),
    doc_type: z.enum(documentTypes),
    doc_no: z.string().max(50),
    staff_id: z.string().max(30),
  }),
]);
export const familyBindInput = z.object({
  data: z.object({
    psn_no: code(30), // the payer
    member_certno: code(50),
    relation: familyRelation,
    verification: bindVerification,
  }),
});
export const familyQuotaSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  bind_limit: z.number().int().min(0),
  bind_used: z.number().int().min(0),
  bind_remaining: z.number().int().min(0),
  member_limit: z.number().int().min(0),
  member_used: z.number().int().min(0),
  member_remaining: z.number().int().min(0),
  resets_on: date,
});
export const familyBindOutput = z.object({
  binding: familyParty.extend({ payer_psn_no: code(30) }),
  quota: familyQuotaSchema,
});
export const familyUnbindInput = z.object({
  data: z.object({ psn_no: code(30), bind_id: code(30) }), // psn_no: either party
});
export const familyUnbindOutput = z.object({
  binding: z.object({
    bind_id: code(30),
    payer_psn_no: code(30),
    member_psn_no: code(30),
    unbound_at: code(19),
    unbound_by: code(30),
  }),
});
export const familyQuotaInput = z.object({ data: z.object({ psn_no: code(30) }) });
export const familyQuotaOutput = z.object({ quota: familyQuotaSchema });
