/**
 * The metrics: counters from the log events the kiosk already writes, gauges read from real
 * simulated devices, a real payment journal and a real TCP gateway address at scrape time, and
 * no personal data in any label whatever an event carries.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { EscPosPrinter } from '../hardware/printer/escpos-printer.ts';
import { SimulatedPrinter } from '../hardware/printer/simulated-printer.ts';
import { SimulatedQrScanner } from '../hardware/scanner/simulated-qr-scanner.ts';
import { projectRoot } from '../face/face-engine.ts';
import type { GalleryHealth } from '../face/gallery-sync.ts';
import { GatewayProbe, KioskMetrics } from './metrics.ts';

const clock = { now: () => new Date() };
let journal: PaymentJournal;
let paper: SimulatedPrinter;
let printer: EscPosPrinter;
let scanner: SimulatedQrScanner;
let camera: SimulatedCamera;
let gateway: Server;
let gatewayUrl: string;
let gallery: GalleryHealth;

beforeEach(async () => {
  journal = new PaymentJournal(':memory:', clock.now, new AesGcmFieldSealer(randomBytes(32)));
  paper = new SimulatedPrinter();
  printer = new EscPosPrinter(paper);
  scanner = new SimulatedQrScanner();
  camera = new SimulatedCamera({ fixturesDir: join(projectRoot, '..', 'shared', 'fixtures') });
  for (const device of [printer, scanner, camera]) await device.start();
  gateway = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const address = gateway.address();
  gatewayUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  gallery = { persons: 8, templates: 8, source: 'gateway' };
});
afterEach(async () => {
  for (const device of [printer, scanner, camera]) await device.stop();
  journal.close();
  await new Promise((resolve) => gateway.close(resolve));
});

function attached(probe = new GatewayProbe(gatewayUrl, { clock, maxAgeMs: 0 })) {
  const metrics = new KioskMetrics({ version: '0.1.0', kioskId: 'KIOSK-07' });
  metrics.attach(
    {
      devices: { camera, printer, scanner },
      journal,
      engine: {
        size: 2,
        memory: () => [
          { nets: 'all', wasmBytes: 217e6, jsHeapBytes: 40e6 },
          { nets: 'track', wasmBytes: 0, jsHeapBytes: 30e6 },
        ],
      },
      gallery: { health: () => gallery },
    },
    probe,
  );
  return metrics;
}

/** One sample's value from the text format, or undefined when the series is absent. */
async function sample(metrics: KioskMetrics, series: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('kiosk metrics', () => {
  it('counts payments, staff calls and identify times from the log, passing every event on', async () => {
    const metrics = attached();
    const passed: string[] = [];
    const log = metrics.observe((event) => passed.push(event));
    log('settlement.settled', { settlementId: 'S1', billId: 'B1', method: 'mobile' });
    log('settlement.settled', { settlementId: 'S2', billId: 'B2', method: 'none' });
    log('session.failed', { code: 'payment-expired', state: 'paying-cash' });
    log('session.failed', { code: 'settlement-in-doubt', state: 'settling' });
    log('session.failed', { code: 'gateway-unavailable', state: 'opening-cash' });
    // Not a payment: a lookup that failed before any money moved.
    log('session.failed', { code: 'gateway-unavailable', state: 'loading-bills' });
    log('payment.recovery', { examined: 3, settled: 1, reversed: 0, refunded: 2, failed: 0 });
    log('face.identify', { result: 'match', ms: 1400 });
    log('face.identify', { result: 'no-match', ms: 20_000 });
    log('staff.called', { screen: 'bills', kioskId: 'KIOSK-07' });
    expect(passed).toHaveLength(10);

    const payments = (o: string) => sample(metrics, `kiosk_payments_total{outcome="${o}"}`);
    expect(await payments('settled')).toBe(2);
    expect(await payments('expired')).toBe(1);
    expect(await payments('in_doubt')).toBe(1);
    expect(await payments('failed')).toBe(1);
    expect(await payments('recovered_settled')).toBe(1);
    expect(await payments('recovered_refunded')).toBe(2);
    expect(await payments('recovered_reversed')).toBe(0);
    const identify = 'kiosk_face_identify_seconds';
    expect(await sample(metrics, `${identify}_bucket{le="2",result="match"}`)).toBe(1);
    expect(await sample(metrics, `${identify}_bucket{le="1",result="match"}`)).toBe(0);
    expect(await sample(metrics, `${identify}_sum{result="no-match"}`)).toBe(20);
    expect(await sample(metrics, 'kiosk_staff_calls_total')).toBe(1);
  });

  it('a staff call is pending until staff log in at the kiosk or the nurse-call system has it', async () => {
    const metrics = attached();
    const log = metrics.observe(() => undefined);
    expect(await sample(metrics, 'kiosk_staff_call_pending')).toBe(0);
    log('staff.called', { screen: 'home', kioskId: 'KIOSK-07' });
    log('admin.login', { ok: false, reason: 'wrong-pin' });
    expect(await sample(metrics, 'kiosk_staff_call_pending')).toBe(1);
    log('admin.login', { ok: true });
    expect(await sample(metrics, 'kiosk_staff_call_pending')).toBe(0);
    // Or until the nurse-call system acknowledges the webhook (host/staff-call.ts).
    log('staff.called', { screen: 'home', kioskId: 'KIOSK-07' });
    log('staff.call-attempt-failed', { callId: 'c1', attempt: 1, problem: 'http-503' });
    expect(await sample(metrics, 'kiosk_staff_call_pending')).toBe(1);
    log('staff.call-acknowledged', { callId: 'c1', attempts: 2 });
    expect(await sample(metrics, 'kiosk_staff_call_pending')).toBe(0);
  });

  it('reads devices, the journal and the gateway at scrape time, and /readyz names what is not ready', async () => {
    const metrics = attached();
    expect(await metrics.readiness()).toEqual({ ready: true, notReady: [] });
    expect(await sample(metrics, 'kiosk_device_ready{device="printer"}')).toBe(1);
    expect(await sample(metrics, 'kiosk_gateway_reachable')).toBe(1);
    expect(await sample(metrics, 'kiosk_payments_in_doubt')).toBe(0);
    expect(
      await sample(metrics, 'kiosk_face_worker_memory_bytes{worker="0",nets="all",kind="wasm"}'),
    ).toBe(217e6);
    expect(
      await sample(
        metrics,
        'kiosk_face_worker_memory_bytes{worker="1",nets="track",kind="js_heap"}',
      ),
    ).toBe(30e6);

    paper.configure({ paperOut: true });
    await printer.queryStatus();
    scanner.setUnplugged(true);
    journal.create(openPayment());
    gallery = { persons: 0, templates: 0, source: 'none' };
    await new Promise((resolve) => gateway.close(resolve));

    expect(await sample(metrics, 'kiosk_device_ready{device="printer"}')).toBe(0);
    expect(await sample(metrics, 'kiosk_device_ready{device="scanner"}')).toBe(0);
    expect(await sample(metrics, 'kiosk_device_ready{device="camera"}')).toBe(1);
    expect(await sample(metrics, 'kiosk_printer_paper_out')).toBe(1);
    expect(await sample(metrics, 'kiosk_printer_paper_low')).toBe(1);
    expect(await sample(metrics, 'kiosk_payments_in_doubt')).toBe(1);
    expect(await sample(metrics, 'kiosk_gateway_reachable')).toBe(0);
    expect(await sample(metrics, 'kiosk_face_ready')).toBe(0);
    expect(await metrics.readiness()).toEqual({
      ready: false,
      notReady: ['printer', 'scanner', 'gateway', 'face'],
    });
    gateway = createServer(); // for afterEach
  });

  it('paper near its end is low, not out, and the printer still counts as ready', async () => {
    const metrics = attached();
    paper.configure({ paperNearEnd: true });
    await printer.queryStatus();
    expect(await sample(metrics, 'kiosk_printer_paper_low')).toBe(1);
    expect(await sample(metrics, 'kiosk_printer_paper_out')).toBe(0);
    expect(await sample(metrics, 'kiosk_device_ready{device="printer"}')).toBe(1);
  });

  it('puts no personal data in any label, whatever an event carries', async () => {
    const metrics = new KioskMetrics({ version: '0.1.0', kioskId: 'Sheldon Cooper' });
    const log = metrics.observe(() => undefined);
    const id = '110105198002260113';
    log('face.identify', { result: id, ms: 900 });
    log('session.failed', { code: id, state: 'settling' });
    log('payment.recovery', { settled: 1, [id]: 5 });
    const text = await metrics.registry.metrics();
    expect(text).not.toContain(id);
    expect(text).not.toContain('Sheldon');
    expect(text).toContain('kiosk_build_info{version="0.1.0",kiosk_id="invalid"} 1');
    expect(await sample(metrics, 'kiosk_face_identify_seconds_count{result="other"}')).toBe(1);
    // Every label value is from the fixed vocabularies (or the build's own version and id).
    const labelValues = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]);
    const allowed = /^(0\.1\.0|invalid|[a-z_-]+|\+Inf|[\d.e+-]+)$/;
    expect(labelValues.filter((v) => !allowed.test(v!))).toEqual([]);
  });

  it('the gateway probe checks at most once per interval, however often it is scraped', async () => {
    let connections = 0;
    gateway.on('connection', () => connections++);
    let now = 0;
    const probe = new GatewayProbe(gatewayUrl, {
      clock: { now: () => new Date(now) },
      maxAgeMs: 5000,
    });
    const answers = await Promise.all([probe.reachable(), probe.reachable(), probe.reachable()]);
    expect(answers).toEqual([true, true, true]);
    now = 4999;
    expect(await probe.reachable()).toBe(true);
    await waitFor(() => connections === 1);
    now = 5000;
    expect(await probe.reachable()).toBe(true);
    await waitFor(() => connections === 2);
  });
});

function openPayment() {
  return {
    payment_id: 'H1101050000120261122100000001',
    business_date: '2026-11-22',
    bill_id: 'OP202611220001',
    psn_no: 'P0001',
    insured_area: '110105',
    settle_input_json: '{}',
    total_cents: 1000,
    fund_cents: 400,
    account_cents: 100,
    mutual_aid_cents: 0,
    cash_cents: 500,
    cash_method: 'mobile' as const,
    order_no: 'ORDER0001',
    cash_state: 'pending' as const,
    settle_state: 'intent' as const,
  };
}

async function waitFor(ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
