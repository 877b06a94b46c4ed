/**
 * Before the platform pre-settles a bill (2206), the bill's visit must exist and its fee details
 * must be uploaded under it: the kiosk registers the visit (2201) when the hospital has not, and
 * uploads the details (2204) unless the hospital's side did. Both calls change state at the
 * gateway, so each is sent with a key that makes a resend harmless: 2201 with one msgid (a
 * resend answers the first visit), 2204 with the same details (answered as already uploaded).
 */
import type { Bill, Patient, PreparedVisit } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import type { GatewayClient } from './client.ts';
import { isCode, retryOnce } from './payment-calls.ts';
import type { TxOutput } from './protocol.ts';
import { registerVisitInputFor, uploadFeesInputFor } from './wire-mapping.ts';

/** Visits this kiosk registered, by bill: a second pre-settlement must not open another one. */
const MAX_REMEMBERED = 1000;

export class VisitPreparation {
  private readonly registered = new Map<string, string>();

  constructor(private readonly client: GatewayClient) {}

  /**
   * The visit `bill` is settled under, registered and uploaded as needed. `registrant` is the
   * patient at the kiosk whose certificate registers a visit; a bound member's bill (the member
   * is not at the kiosk) can only be settled under a visit the hospital registered.
   */
  async prepare(
    personNo: string,
    bill: Bill,
    insuredArea: string,
    registrant: Patient | undefined,
  ): Promise<PreparedVisit> {
    const id = bill.visit.id || (await this.register(bill, insuredArea, registrant));
    if (bill.visit.feesUploaded) return { id, uploadedHere: false };
    const input = uploadFeesInputFor(personNo, bill, id);
    await retryOnce(() => this.client.call('2204', input, { insuredArea }));
    return { id, uploadedHere: true };
  }

  private async register(
    bill: Bill,
    insuredArea: string,
    registrant: Patient | undefined,
  ): Promise<string> {
    const known = this.registered.get(bill.id);
    if (known) return known;
    if (!registrant)
      throw new KioskError(
        'gateway-rejected',
        `bill ${bill.id} has no registered visit, and only its patient can register one`,
      );
    const input = registerVisitInputFor(registrant, bill);
    const msgid = this.client.newMsgid();
    let out: TxOutput<'2201'>;
    try {
      out = await retryOnce(() => this.client.call('2201', input, { insuredArea, msgid }));
    } catch (error) {
      // Still unknown after the resend: the platform's reversal by msgid (2601) withdraws the
      // registration if it happened and refuses it if it arrives later, so no visit is left
      // behind that nobody knows of. Best effort: the patient's error stands either way.
      if (isCode(error, 'settlement-in-doubt', 'gateway-unavailable', 'gateway-bad-response')) {
        const reversal = { psn_no: registrant.personNo, omsgid: msgid, oinfno: '2201' as const };
        await this.client.call('2601', { data: reversal }, { insuredArea }).catch(() => undefined);
      }
      throw error;
    }
    if (this.registered.size >= MAX_REMEMBERED) {
      const oldest = this.registered.keys().next().value;
      if (oldest !== undefined) this.registered.delete(oldest);
    }
    this.registered.set(bill.id, out.data.mdtrt_id);
    return out.data.mdtrt_id;
  }
}
