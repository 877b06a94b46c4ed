import { describe, expect, it } from 'vitest';
import {
  type BindingCheck,
  type BindingVerification,
  FAMILY_RULES,
  FamilyRefusalError,
  ageOn,
  bindingQuota,
  canPayForMember,
  checkBinding,
  firstDayOfNextMonth,
  localMonth,
  parseFamilyRefusal,
  refusalText,
  verificationNeeded,
} from './family.ts';
import { KioskError } from './errors.ts';

const shanghai = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('dates in the hospital time zone', () => {
  it('the month turns at local midnight, not UTC midnight', () => {
    expect(localMonth(at('2026-11-30T15:59:59Z'), shanghai)).toBe('2026-11');
    expect(localMonth(at('2026-11-30T16:00:00Z'), shanghai)).toBe('2026-12');
    // West of UTC the same instant can still be the previous month.
    expect(localMonth(at('2026-12-01T04:59:59Z'), 'America/New_York')).toBe('2026-11');
  });

  it('the first day of next month, across a year end', () => {
    expect(firstDayOfNextMonth('2026-11')).toBe('2026-12-01');
    expect(firstDayOfNextMonth('2026-12')).toBe('2027-01-01');
  });

  it('age counts a birthday from its first day; 29 February turns on 1 March in common years', () => {
    expect(ageOn('2010-11-30', '2026-11-29')).toBe(15);
    expect(ageOn('2010-11-30', '2026-11-30')).toBe(16);
    expect(ageOn('2008-02-29', '2024-02-29')).toBe(16);
    expect(ageOn('2008-02-29', '2025-02-28')).toBe(16);
    expect(ageOn('2012-02-29', '2028-02-28')).toBe(15);
    expect(ageOn('2012-02-29', '2028-02-29')).toBe(16);
    expect(ageOn('2011-02-28', '2027-02-28')).toBe(16);
    expect(() => ageOn('2011/02/28', '2027-02-28')).toThrow(RangeError);
  });
});

describe('binding quota', () => {
  it('counts down from 5 and says when it resets', () => {
    const now = at('2026-11-23T02:00:00Z');
    expect(bindingQuota(0, now, shanghai)).toMatchObject({ remaining: 5, resetsOn: '2026-12-01' });
    expect(bindingQuota(4, now, shanghai)).toMatchObject({ remaining: 1, month: '2026-11' });
    expect(bindingQuota(5, now, shanghai).remaining).toBe(0);
    expect(bindingQuota(7, now, shanghai).remaining).toBe(0);
  });

  it('the reset date follows the local month at the boundary', () => {
    expect(bindingQuota(5, at('2026-12-31T15:59:59Z'), shanghai).resetsOn).toBe('2027-01-01');
    expect(bindingQuota(5, at('2026-12-31T16:00:00Z'), shanghai).resetsOn).toBe('2027-02-01');
  });
});

describe('verification needed', () => {
  it('the 16th birthday on the binding day (local date) counts as 16', () => {
    // 2026-11-30 00:00 in Shanghai is 2026-11-29T16:00Z.
    expect(verificationNeeded('2010-11-30', at('2026-11-29T15:59:59Z'), shanghai)).toBe('document');
    expect(verificationNeeded('2010-11-30', at('2026-11-29T16:00:00Z'), shanghai)).toBe('face');
    expect(verificationNeeded('1980-05-17', at('2026-11-23T02:00:00Z'), shanghai)).toBe('face');
    expect(verificationNeeded('2019-05-20', at('2026-11-23T02:00:00Z'), shanghai)).toBe('document');
  });
});

describe('which bills a family account may pay', () => {
  it('regular bills yes; chronic, maternity and work injury no, saying why', () => {
    expect(canPayForMember('regular')).toEqual({ ok: true });
    for (const [category, words] of [
      ['chronic', 'chronic disease'],
      ['maternity', 'maternity'],
      ['work-injury', 'work injury'],
    ] as const) {
      const r = canPayForMember(category);
      expect(r).toMatchObject({ ok: false, rule: 'category-excluded' });
      expect(!r.ok && r.message).toContain(`family accounts cannot pay ${words} bills`);
    }
    expect(FAMILY_RULES.excludedCategories).toHaveLength(3);
  });
});

describe('binding rules', () => {
  const base: BindingCheck = {
    payerPersonNo: 'P1',
    memberPersonNo: 'P2',
    memberBirthDate: '1980-01-01',
    memberIdNumber: '110105201905200626',
    alreadyBound: false,
    payerBindingsThisMonth: 0,
    memberBindingsThisMonth: 0,
    verification: { method: 'face', verified: true },
    now: at('2026-11-23T02:00:00Z'),
    timeZone: shanghai,
  };
  const documents: Extract<BindingVerification, { method: 'document' }> = {
    method: 'document',
    documentType: '02',
    documentNumber: 'HR-123456',
    staffId: 'N1024',
  };
  const minor = { memberBirthDate: '2019-05-20', verification: documents };

  it('an adult verified by face, and a minor with a document and staff, may be bound', () => {
    expect(checkBinding(base)).toBeUndefined();
    expect(checkBinding({ ...base, ...minor })).toBeUndefined();
    expect(checkBinding({ ...base, payerBindingsThisMonth: 4, memberBindingsThisMonth: 1 })).toBe(
      undefined,
    );
  });

  it('each rule, by name', () => {
    const rule = (c: Partial<BindingCheck>) => checkBinding({ ...base, ...c })?.rule;
    expect(rule({ memberPersonNo: 'P1' })).toBe('self-binding');
    expect(rule({ alreadyBound: true })).toBe('already-bound');
    expect(rule({ payerBindingsThisMonth: 5 })).toBe('payer-monthly-limit');
    expect(rule({ memberBindingsThisMonth: 2 })).toBe('member-monthly-limit');
    expect(rule({ verification: { method: 'face', verified: false } })).toBe('adult-needs-face');
    expect(rule({ verification: minor.verification })).toBe('adult-needs-face');
    expect(rule({ memberBirthDate: minor.memberBirthDate })).toBe('minor-needs-documents');
  });

  it('monthly limits say when they reset; unbinding is the caller counting made bindings', () => {
    const r = checkBinding({ ...base, payerBindingsThisMonth: 5 });
    expect(r).toMatchObject({ rule: 'payer-monthly-limit', resetsOn: '2026-12-01' });
    expect(r?.message).toMatch(/at most 5 .*unbinding does not return a place/);
    expect(checkBinding({ ...base, memberBindingsThisMonth: 2 })?.resetsOn).toBe('2026-12-01');
  });

  it('a minor needs a document number and a staff confirmation, and an ID card must be theirs', () => {
    const doc = (v: Partial<typeof documents>) =>
      checkBinding({ ...base, ...minor, verification: { ...minor.verification, ...v } })?.message;
    expect(doc({ staffId: '  ' })).toMatch(/staff confirmation is missing/);
    expect(doc({ documentNumber: '' })).toMatch(/document number is missing/);
    expect(doc({ documentType: '01', documentNumber: '110105201905200000' })).toMatch(
      /not the member's/,
    );
    expect(doc({ documentType: '01', documentNumber: '110105201905200626' })).toBeUndefined();
  });

  it('who comes before how many, how many before how verified', () => {
    expect(
      checkBinding({
        ...base,
        alreadyBound: true,
        payerBindingsThisMonth: 5,
        verification: { method: 'face', verified: false },
      })?.rule,
    ).toBe('already-bound');
    expect(
      checkBinding({
        ...base,
        payerBindingsThisMonth: 5,
        memberBindingsThisMonth: 2,
        verification: { method: 'face', verified: false },
      })?.rule,
    ).toBe('payer-monthly-limit');
  });
});

describe('refusals on the wire', () => {
  it('round-trips through err_msg and through a KioskError message quoting it', () => {
    const r = checkBinding({
      payerPersonNo: 'P1',
      memberPersonNo: 'P2',
      memberBirthDate: '1980-01-01',
      alreadyBound: false,
      payerBindingsThisMonth: 5,
      memberBindingsThisMonth: 0,
      verification: { method: 'face', verified: true },
      now: at('2026-11-23T02:00:00Z'),
      timeZone: shanghai,
    })!;
    const text = refusalText(r);
    expect(text).toMatch(/^family rule payer-monthly-limit: .*; resets on 2026-12-01$/);
    expect(parseFamilyRefusal(text)).toEqual(r);
    expect(parseFamilyRefusal(`K602 rejected: ${text}`)).toEqual(r);
    const excluded = canPayForMember('maternity');
    if (excluded.ok) throw new Error('maternity bills must be excluded');
    expect(parseFamilyRefusal(refusalText(excluded))).toEqual({
      rule: 'category-excluded',
      message: excluded.message,
    });
    expect(parseFamilyRefusal('bill is already settled')).toBeUndefined();
    expect(parseFamilyRefusal('family rule no-such-rule: x')).toBeUndefined();
  });

  it('FamilyRefusalError is a KioskError the session already handles', () => {
    const e = new FamilyRefusalError({ rule: 'not-bound', message: 'bind them first' });
    expect(e).toBeInstanceOf(KioskError);
    expect(e.code).toBe('gateway-rejected');
    expect(e.refusal.rule).toBe('not-bound');
  });
});
