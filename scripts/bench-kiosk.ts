/**
 * The whole-kiosk payment bench (issue 17), run by scripts/bench.ts in a process of its own so
 * its memory figures are the kiosk's alone:
 *
 *   tsx --expose-gc scripts/bench-kiosk.ts DATA_DIR BASELINE_MS [PAYMENTS]
 *
 * Starts a simulator-mode KioskHost on DATA_DIR (the ready bench leaves it warm: faces already
 * enrolled) and drives face payments with no human waits (host/testing/kiosk-payments.ts), each
 * split into its parts as measured around the real calls: identify (the identifying state, and
 * the decisive frames in it), gateway round trips (every GatewayClient call awaited on the way),
 * rendering (the host's side of a view update: the view made from the state and serialised as
 * web mode sends it) and printing (the receipt to the simulated printer's bytes). One JSON line
 * per figure, as scripts/bench.ts prints them.
 */
import { parseConfig } from '../core/config.ts';
import { GatewayClient } from '../gateway/client.ts';
import { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { ReceiptPrinter } from '../hardware/printer/receipt-printer.ts';
import { FaceEnginePool } from '../face/face-engine-pool.ts';
import { KioskHost } from '../host/kiosk-host.ts';
import {
  type DrivenPayment,
  type Payer,
  drivePayment,
  payerOf,
  postBill,
} from '../host/testing/kiosk-payments.ts';
import { PHONE_PAYER, benchScenario } from './bench-ready.ts';
import { emit, machineLoad, median, memoryMb, round2 } from './bench-util.ts';

const [dataDir, baselineText, paymentsText] = process.argv.slice(2);
if (!dataDir || !baselineText) throw new Error('usage: bench-kiosk.ts DATA_DIR BASELINE_MS [N]');
const baseline = Number(baselineText);
const PAYMENTS = Number(paymentsText ?? 50);

// `gc` exists when the parent started this process with --expose-gc.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

// ---- Instruments around the real calls (timing only; every call goes through unchanged).
type Span = { what: string; start: number; end: number };
const calls: Span[] = [];
const frames: Span[] = [];
const grabs: Span[] = [];
const prints: Span[] = [];
const renders: Span[] = [];
let callWaiters: { code: string; resolve: () => void }[] = [];

function timed<A extends unknown[], R>(
  spans: Span[],
  what: (args: A) => string,
  fn: (this: unknown, ...args: A) => Promise<R>,
  after?: (what: string) => void,
): (this: unknown, ...args: A) => Promise<R> {
  return async function (this: unknown, ...args: A) {
    const start = performance.now();
    try {
      return await fn.apply(this, args);
    } finally {
      spans.push({ what: what(args), start, end: performance.now() });
      after?.(what(args));
    }
  };
}
// The prototypes' generic signatures are not expressible as a wrapped function type; each is
// cast to its plain call shape, wrapped, and put back.
type AnyAsync = (this: unknown, ...args: unknown[]) => Promise<unknown>;
const clientProto = GatewayClient.prototype as unknown as { call: AnyAsync };
clientProto.call = timed(
  calls,
  (a) => String(a[0]),
  clientProto.call,
  (code) => {
    const ready = callWaiters.filter((w) => w.code === code);
    callWaiters = callWaiters.filter((w) => w.code !== code);
    for (const w of ready) w.resolve();
  },
);
const printerProto = ReceiptPrinter.prototype as unknown as { print: AnyAsync };
printerProto.print = timed(prints, () => 'print', printerProto.print);
const poolProto = FaceEnginePool.prototype as unknown as { detectAll: AnyAsync };
poolProto.detectAll = timed(frames, () => 'detect', poolProto.detectAll);
// The host's face engine pool, kept when the host starts it (the host does not expose it).
let enginePool: FaceEnginePool | undefined;
const startPool = FaceEnginePool.start.bind(FaceEnginePool);
FaceEnginePool.start = async (options) => (enginePool = await startPool(options));
const cameraProto = SimulatedCamera.prototype as unknown as { grab: AnyAsync };
cameraProto.grab = timed(grabs, () => 'grab', cameraProto.grab);
const nextCall = (code: string) =>
  new Promise<void>((resolve) => callWaiters.push({ code, resolve }));

const scenario = benchScenario();
const load = await machineLoad();
const startedAt = performance.now();
const config = parseConfig({ kioskId: 'BENCH-01' });
const host = await KioskHost.start({
  config,
  dataDir,
  log: () => undefined,
  clock: { now: () => new Date() },
  scenario,
});
const startMs = performance.now() - startedAt;
// Rendering: what the host does for every view update in web mode (the view, serialised).
host.session.onView(() => {
  const start = performance.now();
  JSON.stringify({ type: 'event', event: 'view', payload: host.session.view() });
  renders.push({ what: 'view', start, end: performance.now() });
});
const sims = host.simulators!;
gc();
const memoryAtStart = memoryMb();
/** Each face worker's WASM and V8 heaps in MB, as it reported them with its last frame. */
const workerMemory = () =>
  enginePool!.memory().map((w) => ({
    nets: w.nets,
    wasm_mb: round2(w.wasmBytes / 1048576),
    js_heap_mb: round2(w.jsHeapBytes / 1048576),
  }));
const workersAtStart = workerMemory();

let bills = 0;
async function pay(
  payer: Payer,
  route: 'face' | 'voucher',
  phone?: 'at-once' | 'after-first-poll',
): Promise<DrivenPayment & { payer: Payer }> {
  const billId = `BENCHK${String(++bills).padStart(6, '0')}`;
  postBill(sims.gateway, payer.psnNo, billId);
  if (route === 'face')
    sims.camera!.setScene({ kind: 'person', person: payer.face!, photo: '1.png' });
  const paid = await drivePayment(host, {
    route,
    payer,
    billId,
    payPhone: async (orderNo) => {
      // "After the first poll": the phone pays just after the kiosk last asked, as a patient
      // who takes a moment does; "at once": before the kiosk's first poll is answered.
      if (phone === 'after-first-poll') await nextCall('K202');
      sims.gateway.payOrder(orderNo);
    },
  });
  return { ...paid, payer };
}

const within = (spans: Span[], from: number, to: number) =>
  spans.filter((s) => s.start >= from && s.start <= to);
const sum = (spans: Span[]) => spans.reduce((a, s) => a + s.end - s.start, 0);
/** The time at least one of the spans was open: calls made together count once. */
function covered(spans: Span[]): number {
  let total = 0;
  let end = -Infinity;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.end <= end) continue;
    total += s.end - Math.max(s.start, end);
    end = s.end;
  }
  return total;
}

/** One payment's parts, from the spans recorded while it ran. */
function split(p: DrivenPayment) {
  const print = within(prints, p.startedAt, p.doneAt).at(-1);
  if (!print) throw new Error('a payment printed no receipt');
  const end = print.end;
  const entered = (kind: string) => p.timeline.find((t) => t.kind === kind)?.at;
  const leftAfter = (kind: string) => {
    const i = p.timeline.findIndex((t) => t.kind === kind);
    return i >= 0 ? p.timeline[i + 1]?.at : undefined;
  };
  const identifyFrom = entered('identifying');
  const identifyTo = leftAfter('identifying');
  const identify =
    identifyFrom !== undefined && identifyTo !== undefined ? identifyTo - identifyFrom : 0;
  const decisive =
    identifyFrom !== undefined ? within(frames, identifyFrom, identifyTo ?? end) : [];
  const grabbed = identifyFrom !== undefined ? within(grabs, identifyFrom, identifyTo ?? end) : [];
  // Between a frame grabbed and its analysis starting: the identifier used to make the preview
  // JPEG there; it now hands the frame to the worker first (~0 ms), the JPEG made meanwhile.
  const preview = decisive.reduce((a, d) => {
    const grab = grabbed.filter((g) => g.end <= d.start).at(-1);
    return a + (grab ? d.start - grab.end : 0);
  }, 0);
  // The cash wait: from the payment QR on screen to the kiosk seeing it paid. The part before
  // the phone paid is the patient's; the part after is the kiosk's (its poll interval).
  const qrAt = entered('paying-cash');
  const cashSeenAt = leftAfter('paying-cash');
  const humanWait = qrAt !== undefined && p.phonePaidAt !== undefined ? p.phonePaidAt - qrAt : 0;
  const detect =
    cashSeenAt !== undefined && p.phonePaidAt !== undefined ? cashSeenAt - p.phonePaidAt : 0;
  const polls =
    qrAt !== undefined && cashSeenAt !== undefined
      ? within(calls, qrAt, cashSeenAt).filter((c) => c.what === 'K202')
      : [];
  // K401 (the receipt's record) is sent without waiting for it: not on the patient's path.
  const awaited = within(calls, p.startedAt, end).filter(
    (c) => c.what !== 'K401' && !polls.includes(c),
  );
  // K101 and the family calls (K601, K604) go out together (core/flows/identify.ts).
  const gateway = covered(awaited);
  const rendering = sum(within(renders, p.startedAt, end));
  const printing = print.end - print.start;
  const total = end - p.startedAt;
  const machine = total - humanWait;
  return {
    total,
    machine,
    identify,
    decisiveFrames: decisive.length,
    frameMs: decisive.length ? sum(decisive) / decisive.length : 0,
    grabMs: grabbed.length ? sum(grabbed) / grabbed.length : 0,
    previewMs: decisive.length ? preview / decisive.length : 0,
    identifyRest: identify - sum(decisive) - sum(grabbed) - preview,
    gateway,
    gatewayCalls: awaited.map((c) => c.what),
    rendering,
    viewUpdates: within(renders, p.startedAt, end).length,
    printing,
    humanWait,
    detect,
    polls: polls.length,
    other: machine - identify - gateway - rendering - printing - detect,
  };
}
type Split = ReturnType<typeof split>;

function report(figure: string, splits: Split[], extra: object = {}) {
  const m = (k: keyof Split) => round2(median(splits.map((s) => s[k] as number)));
  emit(figure, m('machine'), 'ms', baseline, {
    payments: splits.length,
    min_ms: round2(Math.min(...splits.map((s) => s.machine))),
    max_ms: round2(Math.max(...splits.map((s) => s.machine))),
    identify_ms_median: m('identify'),
    decisive_frames_median: m('decisiveFrames'),
    decisive_frame_ms_median: m('frameMs'),
    camera_grab_ms_median: m('grabMs'),
    preview_jpeg_ms_median: m('previewMs'),
    identify_rest_ms_median: m('identifyRest'),
    gateway_ms_median: m('gateway'),
    gateway_calls: splits[0]!.gatewayCalls.join(' '),
    rendering_ms_median: m('rendering'),
    view_updates_median: m('viewUpdates'),
    printing_ms_median: m('printing'),
    other_ms_median: m('other'),
    ...extra,
    ...load,
  });
}

const insured = [payerOf(scenario, 'P0001'), payerOf(scenario, 'P0002')];
const phonePayer = payerOf(scenario, PHONE_PAYER);
const faceSplits: Split[] = [];
const voucherSplits: Split[] = [];
const phoneSplits: Split[] = [];
const phoneAtOnceSplits: Split[] = [];
let done = 0;
/** Resident memory every 10 payments: whether it levels off or keeps climbing. */
const rssByPayment: Record<number, number> = {};
const payAndSplit = async (into: Split[] | undefined, ...args: Parameters<typeof pay>) => {
  const s = split(await pay(...args));
  done++;
  into?.push(s);
  if (done % 10 === 0) rssByPayment[done] = round2(process.memoryUsage().rss / 1048576);
};

emit('kiosk_host_start_warm_ms', startMs, 'ms', baseline, {
  note: 'KioskHost.start in this process on the data folder the ready bench left (faces cached)',
});
// Two payments to warm the engine's kernels and every cache, not counted.
for (let i = 0; i < 2; i++) await payAndSplit(undefined, insured[i % 2]!, 'face');
// The same decisive frame on the same pool with nothing beside it (no tracker on the other
// worker, no preview): what contention costs the frames inside a payment.
sims.camera!.setScene({ kind: 'person', person: insured[0]!.face!, photo: '1.png' });
const probe = await sims.camera!.grab();
const decisiveFrame = () =>
  enginePool!.detectAll(probe, {
    detector: config.face.detector,
    ssdInputSize: config.face.ssdInputSize,
  });
const timeFrames = async () => {
  const out: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await decisiveFrame();
    out.push(performance.now() - t);
  }
  return out;
};
const alone = await timeFrames();
// And with tracking frames in the pool meanwhile (on the tracker where there is one, else
// between the decisive frames on the one worker), as the identifier runs it.
let tracking = true;
const tracker = (async () => {
  while (tracking) await enginePool!.track(probe);
})();
const besideTracker = await timeFrames();
tracking = false;
await tracker;
// Everything but the face, on the same host: the voucher route's payment, as a baseline.
for (let i = 0; i < 8; i++) await payAndSplit(voucherSplits, insured[i % 2]!, 'voucher');
for (let i = 0; i < 5; i++) await payAndSplit(phoneSplits, phonePayer, 'face', 'after-first-poll');
for (let i = 0; i < 5; i++) await payAndSplit(phoneAtOnceSplits, phonePayer, 'face', 'at-once');
for (let i = 0; done < PAYMENTS; i++) await payAndSplit(faceSplits, insured[i % 2]!, 'face');

const voucherMedian = median(voucherSplits.map((s) => s.machine));
report('kiosk_face_payment_ms_median', faceSplits, {
  bill: 'insurance only (fund + personal account), nothing to pay in cash',
  voucher_payment_ms_median: round2(voucherMedian),
  decisive_frame_alone_ms_median: round2(median(alone)),
  decisive_frame_beside_tracker_ms_median: round2(median(besideTracker)),
  note: 'first frame to receipt bytes; voucher_payment is the same payment identified by e-voucher QR instead of face, same host, same run',
});
report('kiosk_face_payment_phone_ms_median', phoneSplits, {
  bill: 'cash part paid by phone; the phone pays just after the kiosk first asks (K202)',
  wait_after_phone_paid_ms_median: round2(median(phoneSplits.map((s) => s.detect))),
  k202_polls_median: median(phoneSplits.map((s) => s.polls)),
  note: 'machine time: first frame to receipt bytes, less the time before the phone paid; wait_after_phone_paid is the poll interval',
});
report('kiosk_face_payment_phone_at_once_ms_median', phoneAtOnceSplits, {
  bill: 'cash part paid by phone, paid as soon as the QR is up (before the first K202 answer)',
  wait_after_phone_paid_ms_median: round2(median(phoneAtOnceSplits.map((s) => s.detect))),
});
emit('kiosk_memory_after_start_rss_mb', memoryAtStart.rss_mb!, 'MB', undefined, {
  ...memoryAtStart,
  face_workers_at_start: workersAtStart,
  note: 'this process: KioskHost (gateway simulator, face pool, devices, stores), no web server; face workers as of their last frame (0 before one)',
});
gc();
const memoryAfter = memoryMb();
emit(`kiosk_memory_after_${done}_payments_rss_mb`, memoryAfter.rss_mb!, 'MB', undefined, {
  ...memoryAfter,
  growth_rss_mb: round2(memoryAfter.rss_mb! - memoryAtStart.rss_mb!),
  growth_heap_used_mb: round2(memoryAfter.heap_used_mb! - memoryAtStart.heap_used_mb!),
  rss_mb_by_payment: rssByPayment,
  face_workers: workerMemory(),
  note: "growth outside the main thread's JS heap and external memory: most of it the face workers' WASM heaps (grown to the largest inference, never shrunk)",
});
// What the pool does once nobody has been at the camera for face.recycle.idleMs: the workers
// past the mark replaced by fresh ones (the same call its idle timer makes, without the wait).
const heapBefore = enginePool!.heapBytes();
const recycleStarted = performance.now();
const replaced = await enginePool!.recycle(config.face.recycle.aboveMb * 1048576);
const recycleMs = performance.now() - recycleStarted;
gc();
const memoryRecycled = memoryMb();
emit(
  `kiosk_memory_after_${done}_payments_recycled_rss_mb`,
  memoryRecycled.rss_mb!,
  'MB',
  undefined,
  {
    ...memoryRecycled,
    before_recycling_rss_mb: memoryAfter.rss_mb!,
    workers_replaced: replaced,
    face_worker_heap_mb_before: heapBefore.map((b) => round2(b / 1048576)),
    face_workers: workerMemory(),
    recycle_ms: round2(recycleMs),
    note: `after face.recycle.idleMs (${config.face.recycle.idleMs} ms) with no frame, workers past ${config.face.recycle.aboveMb} MB of WASM heap are replaced; the old ones serve until then`,
  },
);
await host.stop();
