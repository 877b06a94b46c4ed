import { describe, expect, it, vi } from 'vitest';
import type { Bill } from '../domain.ts';
import { KioskError } from '../errors.ts';
import type { BindingQuota, FamilyOverview } from '../family.ts';
import type { FaceIdentifyResult, SessionControllerOptions } from '../ports.ts';
import type { SessionEvent } from '../session-state.ts';
import { bill, controller, fakePort, patient } from '../testing/session-doubles.ts';
import type { Flow } from './flow.ts';
import { loadBills } from './identify.ts';

describe('second factor and the 1:1 route', () => {
  const twin = '110105198002260121';
  it('look-alikes: the last 4 characters pick exactly one, and only among the candidates', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'uncertain', candidates: [patient.idNumber, twin] });
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'second-factor' });
    c.submitSecondFactor('0113');
    await c.idle();
    expect(c.view().screen).toBe('bills');
  });

  it('a face that is not decisive alone: one candidate, confirmed by the second factor', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'uncertain', candidates: [patient.idNumber] });
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'second-factor' });
    c.submitSecondFactor('0114');
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    c.payWithFace();
    await c.idle();
    c.submitSecondFactor('0113');
    await c.idle();
    expect(c.view().screen).toBe('bills');
  });

  it('a wrong second factor is "not recognised", with no second try', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'uncertain', candidates: [patient.idNumber, twin] });
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    c.submitSecondFactor('9999');
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    expect(() => c.submitSecondFactor('0113')).toThrow();
  });

  it('ID number + face: a mistyped number is refused at the keypad; a right one is verified 1:1', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    c.payWithIdNumber();
    expect(c.view()).toEqual({ screen: 'consent' });
    c.answerConsent(true);
    expect(c.view()).toEqual({ screen: 'id-entry' });
    expect(c.submitIdNumber('110105198002260114')).toEqual({ accepted: false });
    expect(c.view()).toEqual({ screen: 'id-entry' });
    expect(c.submitIdNumber(patient.idNumber)).toEqual({ accepted: true });
    await c.idle();
    expect(c.view().screen).toBe('bills');
  });

  it("ID number + someone else's face: not recognised, nothing looked up", async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    c.payWithIdNumber();
    c.answerConsent(true);
    c.submitIdNumber('11010519491231002X');
    await c.idle();
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    expect(f.calls).toEqual([]);
  });
});

describe('device failures', () => {
  it('a camera that gives no picture is "camera unavailable", in plain words, charging nothing', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    const cameraError = Object.assign(new Error('camera: the camera gives no picture'), {
      name: 'DeviceError',
      device: 'camera',
      code: 'unplugged',
    });
    (c as unknown as { deps: { face: { identify: () => Promise<never> } } }).deps.face.identify =
      async () => {
        throw cameraError;
      };
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'camera-unavailable' });
    expect(f.calls).toEqual([]);
  });
});

describe('consent to face processing', () => {
  it('nothing looks at the face until the patient agrees; declining goes home', async () => {
    let searched = 0;
    const f = fakePort(0);
    const { c } = controller(f.port);
    (
      c as unknown as { deps: { face: { identify: () => Promise<FaceIdentifyResult> } } }
    ).deps.face.identify = async () => {
      searched++;
      return { kind: 'no-match' };
    };
    c.payWithFace();
    expect(c.view()).toEqual({ screen: 'consent' });
    c.answerConsent(false);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'home' });
    expect(searched).toBe(0);
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(searched).toBe(1);
    // "Try again" in the same session does not ask twice.
    c.payWithFace();
    expect(c.view().screen).toBe('identifying');
  });
});

describe('the bills screen', () => {
  /** loadBills with a gateway whose K101 answers only when the test says, K601/K604 at once. */
  function billsFlow(family: 'answers' | 'fails' = 'answers') {
    const asked: string[] = [];
    let answerBills!: (answer: Bill[] | Error) => void;
    const overview = { members: [] } as unknown as FamilyOverview;
    const quota = { remaining: 2 } as unknown as BindingQuota;
    const deps = {
      settlement: {
        ...fakePort(0).port,
        unpaidBills: () => {
          asked.push('K101');
          return new Promise<Bill[]>((resolve, reject) => {
            answerBills = (a) => (a instanceof Error ? reject(a) : resolve(a));
          });
        },
      },
      family: {
        familyMembers: async () => {
          asked.push('K601');
          if (family === 'fails') throw new KioskError('gateway-unavailable', 'down');
          return overview;
        },
        bindingQuota: async () => {
          asked.push('K604');
          return quota;
        },
      },
      log: () => undefined,
      // The parts of the session's ports this flow never reaches are left out.
    } as unknown as SessionControllerOptions;
    const applied: SessionEvent[] = [];
    const flow = { deps, apply: (e: SessionEvent) => applied.push(e) } as unknown as Flow;
    return { asked, applied, overview, quota, run: loadBills(flow, patient), answerBills };
  }

  it('asks for the bills and the family section together, not one after the other', async () => {
    const f = billsFlow();
    // K601 and K604 are out while K101 is still unanswered.
    await vi.waitFor(() => expect(f.asked.sort()).toEqual(['K101', 'K601', 'K604']));
    expect(f.applied).toEqual([]);
    f.answerBills([bill]);
    await f.run;
    expect(f.applied).toEqual([
      { type: 'bills-loaded', bills: [bill], family: f.overview, quota: f.quota },
    ]);
  });

  it('a family section that fails is left out; bills that fail fail the step', async () => {
    const left = billsFlow('fails');
    left.answerBills([bill]);
    await left.run;
    expect(left.applied).toEqual([{ type: 'bills-loaded', bills: [bill] }]);

    const failed = billsFlow();
    failed.answerBills(new KioskError('gateway-unavailable', 'down'));
    await expect(failed.run).rejects.toMatchObject({ code: 'gateway-unavailable' });
    expect(failed.applied).toEqual([]);
  });
});
