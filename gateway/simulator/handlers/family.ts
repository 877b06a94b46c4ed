/**
 * K601-K604 family accounts. The rules are core/family.ts's, shared with the kiosk; a refusal
 * names its rule (docs/family.md).
 */
import {
  FAMILY_RULES,
  bindingQuota,
  checkBinding,
  localMonth,
  refusalText,
} from '../../../core/family.ts';
import type { BindingRow } from '../tables/family.ts';
import type { PersonRow } from '../tables/people.ts';
import {
  GatewayRejection,
  type Handler,
  type SimulatorWorld,
  type TxAnswer,
  hospitalTime,
  requirePerson,
} from './context.ts';

function familyParty(b: Pick<BindingRow, 'bind_id' | 'relation' | 'bound_at'>, other: PersonRow) {
  return {
    bind_id: b.bind_id,
    psn_no: other.psn_no,
    psn_name: other.name,
    brdy: other.birth_date,
    relation: b.relation,
    bound_at: b.bound_at,
  };
}

function quota(world: SimulatorWorld, psnNo: string, now: Date): TxAnswer<'K604'>['quota'] {
  const tz = world.scenario.hospital.timezone;
  const month = localMonth(now, tz);
  const family = world.store.family;
  const q = bindingQuota(family.bindingsMadeIn(psnNo, 'payer', month), now, tz);
  const memberUsed = family.bindingsMadeIn(psnNo, 'member', month);
  const memberLimit = FAMILY_RULES.maxBindingsPerMemberPerMonth;
  return {
    month: q.month,
    bind_limit: q.limit,
    bind_used: q.used,
    bind_remaining: q.remaining,
    member_limit: memberLimit,
    member_used: memberUsed,
    member_remaining: Math.max(0, memberLimit - memberUsed),
    resets_on: q.resetsOn,
  };
}

export const familyList: Handler<'K601'> = (input, call) => {
  const psnNo = requirePerson(call, input.data.psn_no).psn_no;
  const family = call.store.family;
  return {
    members: family.liveBindingsOf(psnNo, 'payer').map((b) => {
      const m = requirePerson(call, b.member_psn_no);
      return {
        ...familyParty(b, m),
        insutype: m.insutype,
        insuplc_admdvs: m.insuplc_admdvs,
        unpaid_cnt: call.store.people.unpaidBills(m.psn_no).length,
      };
    }),
    bound_by: family
      .liveBindingsOf(psnNo, 'member')
      .map((b) => familyParty(b, requirePerson(call, b.payer_psn_no))),
  };
};

/**
 * Runs inside the store's group commit, so counting this month's bindings and inserting the
 * new one cannot interleave with another bind: the limits hold under concurrent kiosks.
 */
export const familyBind: Handler<'K602'> = (input, call) => {
  const d = input.data;
  const family = call.store.family;
  const previous = family.byMsgid(call.envelope.msgid);
  if (previous) {
    // Idempotency: a retried K602 (same msgid) gets the first answer and binds nothing new.
    if (previous.payer_psn_no !== d.psn_no)
      throw new GatewayRejection('msgid already used for another binding');
    return JSON.parse(previous.response_json) as TxAnswer<'K602'>;
  }
  const payer = requirePerson(call, d.psn_no);
  const member = call.store.people.personByCertno(d.member_certno);
  if (!member) throw new GatewayRejection('family member not found');
  const now = call.clock.now();
  const tz = call.scenario.hospital.timezone;
  const at = hospitalTime(call, now).dateTime;
  const month = localMonth(now, tz);
  const v = d.verification;
  const refusal = checkBinding({
    payerPersonNo: payer.psn_no,
    memberPersonNo: member.psn_no,
    memberBirthDate: member.birth_date,
    memberIdNumber: member.certno,
    alreadyBound: family.liveBinding(payer.psn_no, member.psn_no) !== undefined,
    payerBindingsThisMonth: family.bindingsMadeIn(payer.psn_no, 'payer', month),
    memberBindingsThisMonth: family.bindingsMadeIn(member.psn_no, 'member', month),
    verification:
      v.method === 'face'
        ? v
        : {
            method: 'document',
            documentType: v.doc_type,
            documentNumber: v.doc_no,
            staffId: v.staff_id,
          },
    now,
    timeZone: tz,
  });
  if (refusal) throw new GatewayRejection(refusalText(refusal));
  const bindId = `B${at.replace(/\D/g, '').slice(0, 8)}${String(call.store.nextSequence('bind')).padStart(8, '0')}`;
  const row = {
    bind_id: bindId,
    payer_psn_no: payer.psn_no,
    member_psn_no: member.psn_no,
    relation: d.relation,
    verification: v.method,
    doc_type: v.method === 'document' ? v.doc_type : '',
    doc_no: v.method === 'document' ? v.doc_no.trim() : '',
    staff_id: v.method === 'document' ? v.staff_id.trim() : '',
    bound_at: at,
    msgid: call.envelope.msgid,
  };
  // Insert first so the quota in the answer already counts this binding.
  family.insert({ ...row, response_json: '' });
  const output: TxAnswer<'K602'> = {
    binding: { ...familyParty(row, member), payer_psn_no: payer.psn_no },
    quota: quota(call, payer.psn_no, now),
  };
  family.setResponse(bindId, JSON.stringify(output));
  return output;
};

/** Either party may unbind, at any time. Idempotent: unbinding twice answers the first time. */
export const familyUnbind: Handler<'K603'> = (input, call) => {
  const { psn_no, bind_id } = input.data;
  const family = call.store.family;
  const b = family.binding(bind_id);
  if (!b || (b.payer_psn_no !== psn_no && b.member_psn_no !== psn_no)) {
    throw new GatewayRejection('binding not found for this person');
  }
  const at = hospitalTime(call).dateTime;
  if (b.unbound_at === '') family.unbind(bind_id, psn_no, at);
  const after = family.binding(bind_id)!;
  return {
    binding: {
      bind_id: after.bind_id,
      payer_psn_no: after.payer_psn_no,
      member_psn_no: after.member_psn_no,
      unbound_at: after.unbound_at,
      unbound_by: after.unbound_by,
    },
  };
};

export const familyQuota: Handler<'K604'> = (input, call) => {
  const psnNo = requirePerson(call, input.data.psn_no).psn_no;
  return { quota: quota(call, psnNo, call.clock.now()) };
};
