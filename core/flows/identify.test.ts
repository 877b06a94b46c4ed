import { describe, expect, it } from 'vitest';
import type { FaceIdentifyResult } from '../ports.ts';
import { controller, fakePort, patient } from '../testing/session-doubles.ts';

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
