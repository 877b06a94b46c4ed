/**
 * Who the receipt names: the patient of the bill, and the payer apart when a relative paid it
 * (family mutual aid); and what a pre-settlement left unknown is called. The real payment flow
 * and transition, with scripted ports.
 */
import { describe, expect, it } from 'vitest';
import type { PendingSlipData, ReceiptData } from '../domain.ts';
import { KioskError } from '../errors.ts';
import type { FamilyMember } from '../family.ts';
import { maskName } from '../masking.ts';
import type { FamilyPort, SessionControllerOptions } from '../ports.ts';
import type { SessionState } from '../session-state.ts';
import { transition } from '../session-transition.ts';
import { bill, fakePort, patient, split } from '../testing/session-doubles.ts';
import { pay, preSettle } from './payment.ts';

const member: FamilyMember = {
  bindingId: 'L1',
  personNo: 'P2',
  name: '张小明',
  birthDate: '2015-04-01',
  relation: 'child',
  boundAt: '2026-01-01 10:00:00',
  insuranceType: '390',
  insuredArea: '110105',
  unpaidBills: 1,
};

function depsWith(
  settlement: SessionControllerOptions['settlement'],
  family: FamilyPort,
  printed: ReceiptData[] = [],
  slips: PendingSlipData[] = [],
): SessionControllerOptions {
  return {
    face: {
      identify: async () => ({ kind: 'no-match' }),
      verify: async () => 'no-match',
    },
    settlement,
    family,
    receipts: {
      print: async (r) => {
        printed.push(r);
        return { printed: true };
      },
      printPendingSlip: async (slip) => {
        slips.push(slip);
        return { printed: true };
      },
    },
    clock: { now: () => new Date('2026-11-22T02:00:00Z') },
    log: () => undefined,
    info: {
      mode: 'simulator',
      kioskId: 'K1',
      hospitalName: 'H',
      version: '1',
      inactivity: { warnAfterSeconds: 60, countdownSeconds: 30 },
      camera: { source: 'host' },
      speech: { rate: 0.85 },
    },
    eReceiptBaseUrl: 'https://e.example/r/',
  };
}

async function settle(who: FamilyMember | undefined): Promise<ReceiptData[]> {
  const printed: ReceiptData[] = [];
  const { port } = fakePort(0);
  const family = {
    beginPaymentForMember: async () => ({ paymentId: 'PAY1', cash: 'none' as const }),
  } as Partial<FamilyPort> as FamilyPort; // only the payment is reached from 'settling'
  const deps = depsWith(port, family, printed);
  let state: SessionState = {
    kind: 'settling',
    patient,
    bill,
    preview: { billId: bill.id, split: split(0) },
    method: 'none',
    ...(who ? { member: who } : {}),
  };
  await pay(
    {
      deps,
      signal: new AbortController().signal,
      apply: (event) => {
        state = transition(state, event);
      },
      hint: () => undefined,
      isCurrent: () => true,
      current: () => state,
      language: () => 'zh-CN',
    },
    state as Extract<SessionState, { kind: 'settling' }>,
  );
  expect(state.kind).toBe('done');
  return printed;
}

describe('the receipt names', () => {
  it("a relative's bill: the member as the patient, the payer apart, both masked", async () => {
    const [receipt] = await settle(member);
    expect(receipt).toMatchObject({
      patientName: '张*明',
      payer: { name: maskName(patient.name), idNumber: '110***********0113' },
    });
    // The payer's ID number is never printed as the patient's.
    expect(receipt?.patientIdNumber).toBeUndefined();
    expect(JSON.stringify(receipt)).not.toContain(patient.idNumber);
  });

  it('their own bill: the patient with their ID number, and no payer', async () => {
    const [receipt] = await settle(undefined);
    expect(receipt).toMatchObject({
      patientName: maskName(patient.name),
      patientIdNumber: '110***********0113',
    });
    expect(receipt?.payer).toBeUndefined();
  });
});

type PreSettling = Extract<SessionState, { kind: 'pre-settling' }>;

describe('a pre-settlement whose visit upload is left unknown', () => {
  it('is "cannot be reached, nothing charged", never a payment in doubt: no money has moved', async () => {
    const { port } = fakePort(500);
    const lost = new KioskError('settlement-in-doubt', '2204 could not reach the gateway');
    const settlement = {
      ...port,
      preSettle: () => Promise.reject(lost),
    };
    const family = {
      preSettleForMember: () => Promise.reject(lost),
    } as Partial<FamilyPort> as FamilyPort; // only the pre-settlement is reached
    for (const who of [undefined, member]) {
      const state: PreSettling = {
        kind: 'pre-settling',
        patient,
        bills: [bill],
        bill,
        ...(who ? { member: who } : {}),
      };
      const applied: string[] = [];
      const error = await preSettle(
        {
          deps: depsWith(settlement, family),
          signal: new AbortController().signal,
          apply: (event) => applied.push(event.type),
          hint: () => undefined,
          isCurrent: () => true,
          current: () => state,
          language: () => 'en',
        },
        state,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KioskError);
      expect((error as KioskError).code).toBe('gateway-unavailable');
      expect((error as KioskError).cause).toBe(lost);
      expect(applied).toEqual([]);
    }
  });

  it('a refusal stays a refusal', async () => {
    const { port } = fakePort(500);
    const refused = new KioskError('gateway-rejected', 'bill not found');
    const settlement = { ...port, preSettle: () => Promise.reject(refused) };
    const state: PreSettling = { kind: 'pre-settling', patient, bills: [bill], bill };
    const error = await preSettle(
      {
        deps: depsWith(settlement, {} as FamilyPort),
        signal: new AbortController().signal,
        apply: () => undefined,
        hint: () => undefined,
        isCurrent: () => true,
        current: () => state,
        language: () => 'en',
      },
      state,
    ).catch((e: unknown) => e);
    expect(error).toBe(refused);
  });
});
