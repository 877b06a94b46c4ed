/**
 * npm run bench: one JSON object per line, one per figure. Timings are noisy on shared
 * machines, so each figure also carries its ratio to a baseline measured in the same run (a
 * fixed pure-JS workload: bilinear resize of a 640x480 frame).
 *
 *   npm run bench [-- --only face,search,gateway,kiosk,tests]
 *
 * Sections: face (engine, tracking, identify, LFW), search (1:N at scale), gateway (settlements
 * per second, client overhead), kiosk (whole kiosk: ready cold and warm, payments split into
 * their parts, memory; bench-ready.ts, bench-kiosk.ts), tests (npm test by suite, from its last
 * reports; bench-test-times.ts). All by default.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { FRAME_HEIGHT, FRAME_WIDTH } from '../hardware/camera/simulated-camera.ts';
import { type DetectOptions, FaceEngine, projectRoot } from '../face/face-engine.ts';
import { FaceEnginePool } from '../face/face-engine-pool.ts';
import { DESCRIPTOR_LENGTH, FaceGallery } from '../face/gallery.ts';
import { DEFAULT_PHOTO_LOOK, parsePhotoLook } from '../face/photo-look.ts';
import { compose, decodeImage, resize } from '../hardware/camera/image.ts';
import { emit, machineLoad, median, round2, timeEach, timePair } from './bench-util.ts';

const SECTIONS = ['face', 'search', 'gateway', 'kiosk', 'tests'] as const;
const only = parseArgs({ options: { only: { type: 'string' } } }).values.only;
const chosen = only === undefined ? [...SECTIONS] : only.split(',');
for (const name of chosen)
  if (!(SECTIONS as readonly string[]).includes(name))
    throw new Error(`--only: no section ${name} (sections: ${SECTIONS.join(', ')})`);
const runs = (section: (typeof SECTIONS)[number]) => chosen.includes(section);

const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
let standardIndex = 0;
let fastIndex = 0;

const frameOf = (person: string, photo: string) =>
  compose(
    FRAME_WIDTH,
    FRAME_HEIGHT,
    decodeImage(readFileSync(join(fixtures, person, photo))),
    (FRAME_HEIGHT * 0.45) / 150,
  );

const probeFrame = frameOf('sheldon', '3.png');
const baseline = median(await timeEach(15, () => resize(probeFrame, 320, 240)));
emit('baseline_resize_640x480_ms', baseline, 'ms', undefined, await machineLoad());

if (runs('face')) {
  const load = performance.now();
  const engine = await FaceEngine.load();
  emit('model_load_ms', performance.now() - load, 'ms', baseline, { backend: engine.backend });

  const gallery = new FaceGallery();
  for (const person of ['sheldon', 'leonard', 'penny', 'howard', 'raj', 'amy', 'bernadette']) {
    const [face] = await engine.detectAll(
      decodeImage(readFileSync(join(fixtures, person, '1.png'))),
    );
    if (face) gallery.add(person, face.descriptor);
  }
  await engine.detectAll(probeFrame); // warm-up: first inference compiles kernels
  const [raw, detect] = await timePair(
    9,
    () => engine.rawLibraryCall(probeFrame),
    () => engine.detectAll(probeFrame),
  );
  emit('detect_landmarks_descriptor_640x480_ms_median', median(detect), 'ms', median(raw), {
    raw_face_api_ms_median: Math.round(median(raw) * 100) / 100,
    note: 'ratio_to_baseline here is against the raw @vladmandic/face-api call on the same frame',
  });
  // Tracking (tiny detector + tiny landmarks) on one thread, against the raw library call.
  await engine.track(probeFrame);
  await engine.rawLibraryCall(probeFrame, 'tiny');
  const [rawTracking, tracking] = await timePair(
    15,
    () => engine.rawLibraryCall(probeFrame, 'tiny'),
    () => engine.track(probeFrame),
  );
  emit('tracking_fps_one_thread', 1000 / median(tracking), 'fps', undefined, {
    ms_per_frame_median: Math.round(median(tracking) * 100) / 100,
    overhead_ratio_to_raw_face_api:
      Math.round((median(tracking) / median(rawTracking)) * 100) / 100,
    raw_face_api_ms_median: Math.round(median(rawTracking) * 100) / 100,
    faces: (await engine.track(probeFrame)).length,
  });

  // The same tracking on the worker pool (one engine per core), frames kept in flight as a
  // camera delivers them: throughput with both cores, as a ratio to the one-thread figure.
  const pool = await FaceEnginePool.start();
  for (let i = 0; i < 2; i++)
    await Promise.all(Array.from({ length: pool.size }, () => pool.track(probeFrame)));
  const poolFrames = 40;
  const poolStart = performance.now();
  await Promise.all(Array.from({ length: poolFrames }, () => pool.track(probeFrame)));
  const poolFps = (poolFrames * 1000) / (performance.now() - poolStart);
  emit('tracking_fps_worker_pool', poolFps, 'fps', undefined, {
    workers: pool.size,
    ratio_to_one_thread: Math.round((poolFps / (1000 / median(tracking))) * 100) / 100,
  });
  // One decisive frame through the pool: the worker hop (copy in, structured clone out) on top.
  await pool.detectAll(probeFrame);
  const [inThread, pooledDetect] = await timePair(
    7,
    () => engine.detectAll(probeFrame),
    () => pool.detectAll(probeFrame),
  );
  emit('detect_landmarks_descriptor_worker_pool_ms_median', median(pooledDetect), 'ms', undefined, {
    ratio_to_in_thread: Math.round((median(pooledDetect) / median(inThread)) * 100) / 100,
  });
  await pool.close();
  // Identify = the decisive frame (detect + landmarks + descriptor) and the 1:N decision, as the
  // kiosk runs it: SSD at its default 288 px camera input (ssd-input-size.ts), then at 512 (as
  // trained) and with the fast detector, for comparison.
  const identifyWith = async (options: DetectOptions) => {
    await engine.detectAll(probeFrame, options);
    return timeEach(7, async () => {
      const [face] = await engine.detectAll(probeFrame, options);
      if (face) gallery.identify(face.descriptor, { threshold: 0.59, margin: 0.06 });
    });
  };
  const identify = await identifyWith({ detector: 'ssd', ssdInputSize: 288 });
  emit('identify_640x480_ms_median', median(identify), 'ms', baseline, {
    frames: identify.length,
    detector: 'ssd',
    ssd_input: 288,
  });
  const identify512 = await identifyWith({ detector: 'ssd', ssdInputSize: 512 });
  emit('identify_640x480_ssd512_ms_median', median(identify512), 'ms', median(identify), {
    frames: identify512.length,
    detector: 'ssd',
    ssd_input: 512,
    note: 'ratio_to_baseline here is against the 288 px identify above',
  });
  const identifyFast = await identifyWith({ detector: 'fast' });
  emit('identify_640x480_fast_detector_ms_median', median(identifyFast), 'ms', median(identify), {
    frames: identifyFast.length,
    detector: 'fast',
    note: 'ratio_to_baseline here is against the 288 px identify above',
  });

  // Measuring at scale (docs/face.md "Measuring at scale"): the time per photo of the LFW run, with
  // the faster first look it used, against enrolment's standard look on the same photos, timed
  // alternately. Only where ../shared/datasets/lfw-dev is present (a clone has no ../shared).
  {
    const lfw = join(projectRoot, '..', 'shared', 'datasets', 'lfw-dev', 'images');
    const { existsSync, readdirSync } = await import('node:fs');
    if (existsSync(lfw)) {
      const photos = readdirSync(lfw)
        .sort()
        .slice(0, 12)
        .map((person) => join(lfw, person, readdirSync(join(lfw, person)).sort()[0]!))
        .map((file) => decodeImage(readFileSync(file)));
      const look = parsePhotoLook(DEFAULT_PHOTO_LOOK);
      await engine.detectAll(photos[0]!, look);
      const [standard, fast] = await timePair(
        photos.length,
        () => engine.detectAll(photos[standardIndex++ % photos.length]!),
        () => engine.detectAll(photos[fastIndex++ % photos.length]!, look),
      );
      emit('lfw_photo_ms_median', median(fast), 'ms', median(standard), {
        photos: photos.length,
        photo_look: DEFAULT_PHOTO_LOOK,
        standard_look_ms_median: Math.round(median(standard) * 100) / 100,
        note: 'ratio_to_baseline here is against the standard (enrolment) look on the same photos',
      });
    }
  }
}

// 1:N search at scale, against one plain pass over the same bytes (memory bandwidth).
if (runs('search')) {
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 0.2 - 0.1;
  for (const size of [10_000, 100_000, 1_000_000]) {
    const big = new FaceGallery({ capacity: size });
    const template = new Float32Array(DESCRIPTOR_LENGTH);
    for (let i = 0; i < size; i++) {
      for (let k = 0; k < DESCRIPTOR_LENGTH; k++) template[k] = random();
      big.add(`p${i}`, template);
    }
    const data = big.exportRaw().data;
    const plain = await timeEach(7, () => {
      let acc = 0;
      for (let i = 0; i < data.length; i++) acc += data[i]!;
      return acc;
    });
    const search = await timeEach(7, () =>
      big.identify(template, { threshold: 0.59, margin: 0.06 }),
    );
    emit(`search_${size}_templates_ms_median`, median(search), 'ms', median(plain), {
      plain_pass_ms_median: Math.round(median(plain) * 100) / 100,
      simd: big.simd,
    });
  }
}

// ---- Gateway: durable settlements per second with 20 concurrent clients, and the client's
// added latency over a bare signed HTTP call to the same server.
if (runs('gateway')) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { GatewayClient } = await import('../gateway/client.ts');
  const { loadScenario } = await import('../gateway/simulator/scenario.ts');
  const { signRequest } = await import('../gateway/signing.ts');
  const base = loadScenario();
  const patient = base.patients[0]!;
  const BILLS = 2000;
  const scenario = {
    ...base,
    patients: [{ ...patient, account_balance: '99999999.00' }],
    family: [],
    bills: Array.from({ length: BILLS }, (_, i) => ({
      chrg_bchno: `BENCH${String(i).padStart(6, '0')}`,
      psn_no: patient.psn_no,
      type: 'outpatient' as const,
      category: 'regular' as const,
      dept_name: 'Bench',
      begntime: '2026-11-22 09:00:00',
      visit: {
        mdtrt_id: `MDBENCH${String(i).padStart(6, '0')}`,
        ipt_otp_no: `MZBENCH${String(i).padStart(6, '0')}`,
        dept_code: '0301',
        caty: 'A03',
        atddr_no: 'D0001',
        dr_name: 'Bench',
        fees_uploaded: true,
      },
      items: [
        {
          name: 'Consultation',
          med_list_codg: '001102000010000',
          medins_list_codg: '110200001',
          class: 'A' as const,
          price: '25.00',
          count: 1,
        },
      ],
    })),
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-gw-'));
  // The gateway runs as its own process (as `npm run gateway` does), so the clients' work and the
  // server's do not share one thread and the figure is the server's.
  const { spawn } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const scenarioFile = join(dir, 'bench-scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(projectRoot, 'gateway/simulator/cli.ts'),
      '--port',
      '0',
      '--data',
      dir,
      '--scenario',
      scenarioFile,
    ],
    {
      env: { ...process.env, GATEWAY_SECRET: 'bench-secret' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.on('exit', (code) => reject(new Error(`gateway simulator exited with ${code}`)));
  });
  const client = (i: number) =>
    new GatewayClient({
      baseUrl: url,
      paasid: 'kiosk',
      secret: 'bench-secret',
      fixmedinsCode: base.hospital.fixmedins_code,
      fixmedinsName: base.hospital.fixmedins_name,
      areaCode: base.hospital.admdvs,
      timeZone: base.hospital.timezone,
      operatorId: `BENCH-${i}`,
      operatorName: 'bench',
      terminalSlot: { index: i, slots: 20 },
      clock: { now: () => new Date() },
    });
  const input = (bill: string) => ({
    data: {
      psn_no: patient.psn_no,
      mdtrt_cert_type: '02' as const,
      mdtrt_cert_no: patient.certno,
      med_type: '11',
      medfee_sumamt: 25,
      psn_setlway: '01' as const,
      mdtrt_id: `MD${bill}`,
      chrg_bchno: bill,
      insutype: patient.insutype,
      acct_used_flag: '1' as const,
    },
  });
  const clients = Array.from({ length: 20 }, (_, i) => client(i));
  await Promise.all(clients.map((c) => c.signIn()));
  let next = 0;
  let settled = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let i = next++; i < BILLS; i = next++) {
        await c.call('2207', input(`BENCH${String(i).padStart(6, '0')}`));
        settled++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  // Every call returned a validated settlement (a refusal would have thrown).
  emit('gateway_durable_settlements_per_s_20_clients', settled / seconds, 'per_s', undefined, {
    settled,
  });

  // Client overhead: the full client (envelope, signing, schema validation) vs a bare signed
  // POST of the same body to the same server, both answering 1101.
  const one = clients[0]!;
  const body = JSON.stringify({ infno: '1101' });
  const bare = await timeEach(200, async () => {
    const headers = signRequest('kiosk', 'bench-secret', body, Date.now());
    const r = await fetch(`${url}/api/1101`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    await r.text();
  });
  const full = await timeEach(200, () =>
    one.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: patient.certno } }),
  );
  emit('gateway_client_call_ms_median', median(full), 'ms', median(bare), {
    bare_http_ms_median: Math.round(median(bare) * 100) / 100,
  });
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}

// ---- The whole kiosk (issue 17): ready cold and warm, what one worker costs, then payments
// (bench-kiosk.ts, its own process) on the data folder the warm start left. Each child bounded.
if (runs('kiosk')) {
  const { benchScenario, faceWorkerRss, paymentBench, timeReady } =
    await import('./bench-ready.ts');
  const dir = mkdtempSync(join(tmpdir(), 'bench-kiosk-'));
  try {
    const scenarioFile = join(dir, 'scenario.json');
    writeFileSync(scenarioFile, JSON.stringify(benchScenario()));
    const dataDir = join(dir, 'data');
    for (const kind of ['cold', 'warm'] as const) {
      const load = await machineLoad();
      const run = await timeReady(dataDir, scenarioFile, 240_000);
      emit(`kiosk_ready_${kind}_ms`, run.readyMs, 'ms', baseline, {
        steps_ms_after_spawn: Object.fromEntries(
          Object.entries(run.steps).map(([k, v]) => [k, Math.round(v)]),
        ),
        memory_at_ready: run.memory,
        note: `npm start -- --headless without its build step, ${kind === 'cold' ? 'a fresh data folder (faces enrolled)' : 'second start on it'}; spawn to "web mode at"`,
        ...load,
      });
    }
    const workers = await faceWorkerRss(180_000);
    emit('kiosk_face_worker_rss_mb', workers.two - workers.one, 'MB', undefined, {
      process_before_mb: round2(workers.before),
      first_worker_mb: round2(workers.one - workers.before),
      second_worker_mb: round2(workers.two - workers.one),
      note: 'resident memory a face worker adds once its models are loaded, before any frame; the kiosk runs one per core',
    });
    await paymentBench(dataDir, baseline, 50, 420_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (runs('tests')) {
  const { testTimes } = await import('./bench-test-times.ts');
  testTimes();
}
