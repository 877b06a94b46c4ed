/**
 * The kiosk's metrics for the hospital's Prometheus (deploy/README.md lists them). Counters are
 * derived from the host's structured log events by an observer wrapped around the log function,
 * so nothing else in the kiosk knows about metrics; gauges (device readiness, the gateway, the
 * payments in doubt) are read at scrape time from the running host. Label values come from fixed
 * vocabularies only: no patient, bill or payment ever appears in a label.
 */
import { connect } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../core/domain.ts';
import type { LogFn } from '../core/ports.ts';
import type { DeviceStatus } from '../hardware/device.ts';
import { canPrint } from '../hardware/printer/escpos-status.ts';
import type { GalleryHealth } from '../face/gallery-sync.ts';

/** What the metrics read from the running host (KioskHost.monitored()). */
export interface MonitoredParts {
  devices: Record<DeviceName, { readonly status: DeviceStatus }>;
  journal: { open(): readonly unknown[] };
  engine: {
    readonly size: number;
    memory(): readonly { nets: string; wasmBytes: number; jsHeapBytes: number }[];
  };
  gallery: { health(): GalleryHealth };
}

export const deviceNames = ['camera', 'printer', 'scanner'] as const;
export type DeviceName = (typeof deviceNames)[number];

export const paymentOutcomes = [
  'settled',
  'expired',
  'in_doubt',
  'failed',
  'recovered_settled',
  'recovered_reversed',
  'recovered_refunded',
  'recovery_failed',
] as const;
export type PaymentOutcome = (typeof paymentOutcomes)[number];

/** The session states a payment is under way in: a failure there is a failed payment. */
const PAYING_STATES = new Set(['opening-cash', 'paying-cash', 'settling']);
/** What start-up recovery's report counts, by the outcome each count is recorded as. */
const RECOVERY_OUTCOMES: Record<string, PaymentOutcome> = {
  settled: 'recovered_settled',
  reversed: 'recovered_reversed',
  refunded: 'recovered_refunded',
  failed: 'recovery_failed',
};
const IDENTIFY_RESULTS = new Set(['match', 'no-match', 'uncertain']);
/** A label value that is not a fixed code (kioskId and version are checked the same way). */
const LABEL_SAFE = /^[A-Za-z0-9._+-]{1,64}$/;

export interface Readiness {
  ready: boolean;
  /** What is not ready, by fixed name: camera, printer, scanner, gateway, face, host. */
  notReady: string[];
}

export interface KioskMetricsOptions {
  version: string;
  kioskId: string;
  /** Node's own process metrics (memory, event-loop delay, handles); off in unit tests. */
  processMetrics?: boolean;
}

export class KioskMetrics {
  readonly registry = new Registry();
  private parts: MonitoredParts | undefined;
  private gateway: GatewayProbe | undefined;
  private staffCallPending = false;
  private readonly payments: Counter<'outcome'>;
  private readonly identify: Histogram<'result'>;
  private readonly staffCalls: Counter;
  private readonly devicesReady: Gauge<'device'>;

  constructor(o: KioskMetricsOptions) {
    const registers = [this.registry];
    const safe = (v: string) => (LABEL_SAFE.test(v) ? v : 'invalid');
    new Gauge({
      name: 'kiosk_build_info',
      help: 'Always 1; the kiosk software version and the kiosk id as labels.',
      labelNames: ['version', 'kiosk_id'],
      registers,
    }).set({ version: safe(o.version), kiosk_id: safe(o.kioskId) }, 1);
    this.payments = new Counter({
      name: 'kiosk_payments_total',
      help: 'Payments ended, by outcome (settled, expired, in_doubt, failed, recovered_*).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of paymentOutcomes) this.payments.inc({ outcome }, 0);
    this.identify = new Histogram({
      name: 'kiosk_face_identify_seconds',
      help: 'Face 1:N identifications, from start to result (waiting for a usable face included).',
      labelNames: ['result'],
      buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30],
      registers,
    });
    for (const result of IDENTIFY_RESULTS) this.identify.zero({ result });
    this.staffCalls = new Counter({
      name: 'kiosk_staff_calls_total',
      help: 'Times a patient pressed "call staff".',
      registers,
    });
    scraped(
      this.registry,
      'kiosk_staff_call_pending',
      '1 from a "call staff" until the nurse-call system acknowledges it or staff log in at the kiosk.',
      () => +this.staffCallPending,
    );
    this.devicesReady = new Gauge({
      name: 'kiosk_device_ready',
      help: '1 when the device is ready (the printer: can print, paper low included).',
      labelNames: ['device'],
      registers,
      collect: () => {
        const parts = this.parts;
        if (parts)
          for (const device of deviceNames)
            this.devicesReady.set({ device }, +deviceReady(device, parts));
      },
    });
    this.scrapeTimeGauges();
    if (o.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** From now on the gauges read this host, and the gateway through this probe. */
  attach(parts: MonitoredParts, gateway: GatewayProbe): void {
    this.parts = parts;
    this.gateway = gateway;
  }

  /** The log function with the metrics watching it: every event is passed on unchanged. */
  observe(log: LogFn): LogFn {
    return (event, fields = {}) => {
      try {
        this.record(event, fields);
      } catch {
        // Metrics never stop a log line, whatever an event carries.
      }
      log(event, fields);
    };
  }

  private record(event: string, fields: Record<string, string | number | boolean>): void {
    switch (event) {
      case 'settlement.settled':
        this.payments.inc({ outcome: 'settled' });
        break;
      case 'session.failed':
        if (PAYING_STATES.has(String(fields.state))) {
          const code = fields.code;
          this.payments.inc({
            outcome:
              code === 'payment-expired'
                ? 'expired'
                : code === 'settlement-in-doubt'
                  ? 'in_doubt'
                  : 'failed',
          });
        }
        break;
      case 'payment.recovery':
        for (const [field, outcome] of Object.entries(RECOVERY_OUTCOMES)) {
          const n = fields[field];
          if (typeof n === 'number' && Number.isInteger(n) && n > 0)
            this.payments.inc({ outcome }, n);
        }
        break;
      case 'face.identify': {
        const ms = fields.ms;
        if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) {
          const result = String(fields.result);
          this.identify.observe(
            { result: IDENTIFY_RESULTS.has(result) ? result : 'other' },
            ms / 1000,
          );
        }
        break;
      }
      case 'staff.called':
        this.staffCalls.inc();
        this.staffCallPending = true;
        break;
      case 'staff.call-acknowledged':
        // The hospital's nurse-call system has the call (host/staff-call.ts).
        this.staffCallPending = false;
        break;
      case 'admin.login':
        // Staff at the kiosk have answered whatever call brought them.
        if (fields.ok === true) this.staffCallPending = false;
        break;
    }
  }

  /** Devices, gateway and face engine: what /readyz answers. */
  async readiness(): Promise<Readiness> {
    const parts = this.parts;
    if (!parts) return { ready: false, notReady: ['host'] };
    const notReady: string[] = deviceNames.filter((d) => !deviceReady(d, parts));
    if (!(await this.gatewayReachable())) notReady.push('gateway');
    if (!faceReady(parts)) notReady.push('face');
    return { ready: notReady.length === 0, notReady };
  }

  private async gatewayReachable(): Promise<boolean> {
    return (await this.gateway?.reachable()) ?? false;
  }

  /** Gauges that read the host when Prometheus scrapes, so they are never stale. */
  private scrapeTimeGauges(): void {
    const r = this.registry;
    const printer = (kinds: DeviceStatus['kind'][]) => () => {
      const status = this.parts?.devices.printer.status;
      return status && +kinds.includes(status.kind);
    };
    const asOf = 'as of its last status (start, every receipt, device check)';
    scraped(
      r,
      'kiosk_printer_paper_low',
      `1 when the printer's paper is near its end or out, ${asOf}.`,
      printer(['paper-near-end', 'paper-out']),
    );
    scraped(
      r,
      'kiosk_printer_paper_out',
      `1 when the printer is out of paper, ${asOf}.`,
      printer(['paper-out']),
    );
    scraped(
      r,
      'kiosk_gateway_reachable',
      "1 when the settlement gateway's address accepts a connection (checked at most every 5 s, 2 s timeout).",
      async () => (this.gateway ? +(await this.gateway.reachable()) : undefined),
    );
    scraped(
      r,
      'kiosk_face_ready',
      '1 when the face engine has its workers and a face gallery to search.',
      () => this.parts && +faceReady(this.parts),
    );
    // Each face worker's memory: the WASM heap grows to the largest pass and is given back only
    // when the idle pool replaces the worker (face.recycle); process_resident_memory_bytes is
    // the whole process, these say which part is the face engine's.
    const parts = () => this.parts;
    new Gauge({
      name: 'kiosk_face_worker_memory_bytes',
      help: "Each face worker's memory as of its last frame (0 before one): kind wasm is the engine's WASM heap, js_heap its V8 heap; nets all or track.",
      labelNames: ['worker', 'nets', 'kind'] as const,
      registers: [r],
      collect() {
        this.reset();
        for (const [i, w] of (parts()?.engine.memory() ?? []).entries()) {
          const labels = { worker: String(i), nets: w.nets };
          this.set({ ...labels, kind: 'wasm' }, w.wasmBytes);
          this.set({ ...labels, kind: 'js_heap' }, w.jsHeapBytes);
        }
      },
    });
    scraped(
      r,
      'kiosk_payments_in_doubt',
      'Payments the journal holds open (in doubt, or a refund under way) until recovery resolves them.',
      () => this.parts?.journal.open().length,
    );
  }
}

/** A gauge whose value is read when Prometheus scrapes; undefined leaves it without a sample. */
function scraped(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | undefined | Promise<number | undefined>,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const value = await read();
      if (value !== undefined) this.set(value);
    },
  });
}

function deviceReady(device: DeviceName, parts: MonitoredParts): boolean {
  const status = parts.devices[device].status;
  return device === 'printer' ? canPrint(status) : status.kind === 'ready';
}

function faceReady(parts: MonitoredParts): boolean {
  return parts.engine.size > 0 && parts.gallery.health().source !== 'none';
}

/**
 * Whether the gateway's address accepts a TCP connection: cheap, unsigned, and the same for the
 * hospital's HTTPS gateway and the simulator. One check at a time, reused for `maxAgeMs`, so
 * however often it is scraped the gateway sees at most one connection per interval.
 */
export class GatewayProbe {
  private last: { at: number; result: Promise<boolean> } | undefined;
  private readonly host: string;
  private readonly port: number;

  constructor(
    url: string,
    private readonly o: { clock: Clock; timeoutMs?: number; maxAgeMs?: number },
  ) {
    const u = new URL(url);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  }

  reachable(): Promise<boolean> {
    const now = this.o.clock.now().getTime();
    if (!this.last || now - this.last.at >= (this.o.maxAgeMs ?? 5000))
      this.last = { at: now, result: this.connect() };
    return this.last.result;
  }

  private connect(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.host, port: this.port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(this.o.timeoutMs ?? 2000, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }
}
