/**
 * 1101 as the platform answers it: one insuinfo row per insurance type (basic, supplements,
 * maternity, a province's own codes), each with its status. The kiosk identifies the person by
 * the active basic row, settles a maternity bill under maternity insurance (510), identifies by
 * social security card (03), and explains a person it cannot settle for. Over real HTTP, against
 * the simulator and against a stand-in that answers 1101 as a real gateway would.
 */
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bill, Patient } from '../core/domain.ts';
import { personInfoOutput, responseEnvelopeSchema } from './protocol.ts';
import { signResponse } from './signing.ts';
import { readBody } from './simulator/read-body.ts';
import { type Scenario, loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { TestSite } from './testing/test-kiosk.ts';
import { patientFromWire } from './wire-mapping.ts';

const scenario = loadScenario();
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const who = (name: string) => scenario.patients.find((p) => p.name.startsWith(name))!;
const missy = who('Missy'); // 310 + 330 + 510, social security card A01000010
const leonard = who('Leonard'); // 310 + 330
const penny = who('Penny'); // 390 only

let site: TestSite | undefined;
let sim: GatewaySimulator | undefined;

/** A kiosk on the simulator, or on `url`: a stand-in answering 1101 as a real gateway would. */
const kiosk = (url = sim!.url) => site!.kiosk({ client: { timeoutMs: 2000 } }, url);

async function startWith(s: Scenario = scenario) {
  site = await TestSite.start('insurance-rows-', clock, s);
  sim = site.sim;
  return sim;
}

afterEach(async () => {
  await site?.close();
  site = undefined;
  sim = undefined;
});

/** A 1101 answer shaped like a real gateway's: rows in its order, fields the kiosk does not use. */
function realAnswer(rows: { insutype: string; psn_insu_stas: string | null; balc: number }[]) {
  return {
    baseinfo: {
      psn_no: 'P0002',
      psn_cert_type: '01',
      certno: leonard.certno,
      psn_name: leonard.name,
      gend: '1',
      brdy: '1980-05-17',
      age: 46,
      naty: '01',
      exp_content: '',
    },
    insuinfo: rows.map((r) => ({
      ...r,
      psn_type: '1101',
      insuplc_admdvs: '110105',
      psn_insu_date: '2005-07-01',
      paus_insu_date: null,
      cvlserv_flag: '0',
      emp_name: 'Caltech',
    })),
    idetinfo: [],
  };
}

describe('patientFromWire', () => {
  it('identifies by the active basic row whatever the rows order, keeping every active type', () => {
    const p = patientFromWire(
      personInfoOutput.parse(
        realAnswer([
          { insutype: '330', psn_insu_stas: '1', balc: 0 },
          { insutype: '39901', psn_insu_stas: '1', balc: 0 },
          { insutype: '390', psn_insu_stas: '4', balc: 0 },
          { insutype: '310', psn_insu_stas: '1', balc: 1200.5 },
          { insutype: '510', psn_insu_stas: '1', balc: 0 },
        ]),
      ),
    );
    expect(p.insuranceType).toBe('310');
    expect(p.insuranceTypes).toEqual(['330', '310', '510']);
    expect(p.accountBalance).toBe(120050);
  });

  it('takes a row whose status the gateway left empty as active (2206 decides)', () => {
    const p = patientFromWire(
      personInfoOutput.parse(
        realAnswer([
          { insutype: '392', psn_insu_stas: null, balc: 0 },
          { insutype: '390', psn_insu_stas: null, balc: 12.3 },
        ]),
      ),
    );
    expect(p).toMatchObject({ insuranceType: '390', insuranceTypes: ['392', '390'] });
    expect(p.accountBalance).toBe(1230);
  });

  it('explains a person whose basic insurance is suspended (insurance-inactive)', () => {
    const answer = personInfoOutput.parse(
      realAnswer([
        { insutype: '390', psn_insu_stas: '2', balc: 0 },
        { insutype: '392', psn_insu_stas: '1', balc: 0 },
      ]),
    );
    expect(() => patientFromWire(answer)).toThrow(
      expect.objectContaining({ code: 'insurance-inactive' }),
    );
  });
});

describe('1101 from a gateway answering as the platform does', () => {
  /** A stand-in forwarding to the simulator, answering 1101 with `output`, signed as a gateway. */
  async function standIn(output: unknown) {
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if ((k === 'content-type' || k.startsWith('x-tif-')) && typeof v === 'string')
            headers[k] = v;
        const r = await fetch(`${sim!.url}${req.url}`, { method: 'POST', headers, body });
        let text = await r.text();
        const out: Record<string, string> = { 'content-type': 'application/json' };
        if (req.url === '/api/1101') {
          const envelope = responseEnvelopeSchema.parse(JSON.parse(text));
          text = JSON.stringify({ ...envelope, infcode: 0, err_msg: null, output });
          Object.assign(
            out,
            signResponse(
              'test-secret',
              String(req.headers['x-tif-nonce']),
              text,
              clock.now().getTime(),
            ),
          );
        } else {
          r.headers.forEach((v, k) => {
            if (k.startsWith('x-tif-')) out[k] = v;
          });
        }
        res.writeHead(r.status, out).end(text);
      })().catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('three insurance rows (330, 310, 320) identify the patient by the 310 row', async () => {
    await startWith();
    const gateway = await standIn(
      realAnswer([
        { insutype: '330', psn_insu_stas: '1', balc: 0 },
        { insutype: '310', psn_insu_stas: '1', balc: 1200 },
        { insutype: '320', psn_insu_stas: null, balc: 0 },
      ]),
    );
    try {
      const patient = await kiosk(gateway.url).port.findPatient(leonard.certno);
      expect(patient).toMatchObject({
        personNo: 'P0002',
        insuranceType: '310',
        insuranceTypes: ['330', '310', '320'],
        accountBalance: 120000,
      });
    } finally {
      await gateway.close();
    }
  });

  it('only suspended or ended rows: a typed explanation, not a failure', async () => {
    await startWith();
    const gateway = await standIn(
      realAnswer([
        { insutype: '310', psn_insu_stas: '2', balc: 35 },
        { insutype: '330', psn_insu_stas: '4', balc: 0 },
      ]),
    );
    try {
      await expect(kiosk(gateway.url).port.findPatient(leonard.certno)).rejects.toMatchObject({
        code: 'insurance-inactive',
      });
    } finally {
      await gateway.close();
    }
  });
});

describe('the simulator', () => {
  it('answers a person with three rows, who is identified, by ID number and by social security card', async () => {
    await startWith();
    const k = kiosk();
    const out = await k.client.call('1101', {
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: missy.certno },
    });
    expect(out.insuinfo.map((r) => [r.insutype, r.balc])).toEqual([
      ['310', 150],
      ['330', 0],
      ['510', 0],
    ]);
    const byId = await k.port.findPatient(missy.certno);
    const byCard = await k.port.findPatientBySocialSecurityCard(missy.ssc_no!);
    expect(byCard).toEqual(byId);
    expect(byId).toMatchObject({ personNo: 'P0010', insuranceType: '310' });
    expect(byId.insuranceTypes).toEqual(['310', '330', '510']);
    await expect(k.port.findPatientBySocialSecurityCard('A99999999')).rejects.toMatchObject({
      code: 'gateway-rejected',
    });
  });

  it('serves a suspended basic row as suspended, and the kiosk explains it', async () => {
    await startWith({
      ...scenario,
      patients: scenario.patients.map((p) =>
        p === penny
          ? { ...p, psn_insu_stas: '2', other_insurance: [{ insutype: '392', psn_insu_stas: '1' }] }
          : p,
      ),
    });
    await expect(kiosk().port.findPatient(penny.certno)).rejects.toMatchObject({
      code: 'insurance-inactive',
    });
  });
});

describe('a maternity bill', () => {
  const billOf = async (k: ReturnType<typeof kiosk>, patient: Patient, id: string) =>
    (await k.port.unpaidBills(patient)).find((b) => b.id === id)!;
  const settledInsutype = (billId: string) =>
    (
      sim!.store.db
        .prepare(`SELECT insutype FROM settlements WHERE chrg_bchno = ? AND status = 'settled'`)
        .get(billId) as { insutype: string } | undefined
    )?.insutype;

  it('settles under maternity insurance (510) when the person has it', async () => {
    await startWith();
    const k = kiosk();
    const patient = await k.port.findPatient(missy.certno);
    const bill = await billOf(k, patient, 'MA202611190001');
    expect(bill.category).toBe('maternity');
    const preview = await k.port.preSettle(patient, bill, { useAccount: false });
    // Maternity pays in-scope costs in full, with no deductible: only class C is the patient's.
    const classC = bill.items.filter((i) => i.itemClass === 'C').reduce((a, i) => a + i.amount, 0);
    const classB = bill.items.filter((i) => i.itemClass === 'B').reduce((a, i) => a + i.amount, 0);
    expect(preview.split.personalPart).toBe(classC + Math.round(classB / 10));
    const start = await k.port.beginPayment(patient, bill, preview, 'mobile');
    if (start.order) sim!.payOrder(start.order.orderNo);
    if (start.order)
      expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
    const settlement = await k.port.completePayment(start.paymentId);
    expect(settlement.split.fund).toBe(preview.split.fund);
    expect(settledInsutype('MA202611190001')).toBe('510');
  });

  it('whose visit the kiosk registers settles under 510 too (2201 with insutype 510)', async () => {
    await startWith({
      ...scenario,
      bills: scenario.bills.map((b) =>
        b.chrg_bchno === 'MA202611190001'
          ? { ...b, visit: { ...b.visit, mdtrt_id: undefined, fees_uploaded: false } }
          : b,
      ),
    });
    const k = kiosk();
    const patient = await k.port.findPatient(missy.certno);
    const bill = await billOf(k, patient, 'MA202611190001');
    expect(bill.visit.id).toBe('');
    const preview = await k.port.preSettle(patient, bill);
    const start = await k.port.beginPayment(patient, bill, preview, 'mobile');
    if (start.order) sim!.payOrder(start.order.orderNo);
    if (start.order) await k.port.waitForCash(start.paymentId, new AbortController().signal);
    await k.port.completePayment(start.paymentId);
    expect(settledInsutype('MA202611190001')).toBe('510');
  });

  it('of a person without 510 settles under their basic insurance', async () => {
    await startWith({
      ...scenario,
      patients: scenario.patients.map((p) => (p === missy ? { ...p, other_insurance: [] } : p)),
    });
    const k = kiosk();
    const patient = await k.port.findPatient(missy.certno);
    expect(patient.insuranceTypes).toEqual(['310']);
    const bill = await billOf(k, patient, 'MA202611190001');
    const preview = await k.port.preSettle(patient, bill);
    const start = await k.port.beginPayment(patient, bill, preview, 'mobile');
    if (start.order) sim!.payOrder(start.order.orderNo);
    if (start.order) await k.port.waitForCash(start.paymentId, new AbortController().signal);
    await k.port.completePayment(start.paymentId);
    expect(settledInsutype('MA202611190001')).toBe('310');
  });

  it('the gateway refuses 510 for a person without it, or for a bill that is not maternity', async () => {
    await startWith();
    const k = kiosk();
    const leo = await k.port.findPatient(leonard.certno);
    const leoBill = await billOf(k, leo, 'OP202611220002');
    // A kiosk that believed in a 510 row the platform does not have: refused, naming insutype.
    const claimed: Patient = { ...leo, insuranceTypes: [...leo.insuranceTypes, '510'] };
    const asMaternity: Bill = { ...leoBill, category: 'maternity' };
    await expect(k.port.preSettle(claimed, asMaternity)).rejects.toThrow(
      /insutype 510 is not one of this person's insurance types \(310, 330\)/,
    );
    const m = await k.port.findPatient(missy.certno);
    const regular = await billOf(k, m, 'OP202611220010');
    await expect(k.port.preSettle(m, { ...regular, category: 'maternity' })).rejects.toThrow(
      /insutype 510 \(maternity\) settles maternity bills only/,
    );
    await expect(k.port.preSettle(m, regular)).resolves.toMatchObject({ billId: regular.id });
  });
});
