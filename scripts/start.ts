/**
 * npm start [-- --headless] [--port N] [--metrics-port M] [--windowed] [--web] [--config FILE]
 *   [--data DIR] [--supervised]
 *
 * Starts the kiosk in simulator mode (gateway simulator embedded on loopback). In Electron when
 * its binary is present or can be fetched; otherwise web mode, opening Chromium in app mode when
 * one is installed and a display exists. --headless serves web mode only, until SIGINT/SIGTERM.
 * --metrics-port (or metrics.port in the configuration) serves /healthz, /readyz and /metrics
 * for the hospital's Prometheus (deploy/README.md); web mode only.
 * --supervised runs all that as the child of a watchdog (host/supervisor.ts) that restarts it
 * when it exits or its event loop stops sending heartbeats (in Electron mode only this script's
 * loop is watched, so there only exits are seen).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configErrorLine, loadConfigFile } from '../host/config-file.ts';
import { systemClock } from '../core/domain.ts';
import { projectRoot } from '../face/face-engine.ts';
import { LogRing, createLogger } from '../host/log.ts';
import { RotatingLogFile } from '../host/log-file.ts';
import { DataFolderLocked } from '../host/data-lock.ts';
import { KeyLocationError } from '../host/key-location.ts';
import { installLastResort } from '../host/last-resort.ts';
import { startWebMode } from '../host/web-mode.ts';
import { KioskMetrics } from '../host/metrics.ts';
import { monitorKiosk } from '../host/metrics-server.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import { childArguments, superviseKiosk } from '../host/supervise-kiosk.ts';
import { electronJsFlags } from '../host/node-flags.ts';
import { heartbeatIfSupervised } from '../host/supervisor-heartbeat.ts';

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    web: { type: 'boolean', default: false },
    windowed: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    /** The monitoring endpoint's port (default: metrics.port in the configuration, else none). */
    'metrics-port': { type: 'string' },
    config: { type: 'string' },
    data: { type: 'string' },
    /** Simulator mode: the gateway simulator's world (default: the shipped default scenario). */
    scenario: { type: 'string' },
    supervised: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`kiosk: --port must be a port number, not ${values.port}`);
  process.exit(2);
}
/** A configuration the kiosk refuses is one plain line and exit 2: no stack for a JSON typo. */
function exitOnConfigError(error: unknown): void {
  const line = configErrorLine(error, values.config);
  if (line === undefined) return;
  console.error(line);
  process.exit(2);
}
let config: ReturnType<typeof loadConfigFile>;
try {
  config = loadConfigFile(values.config);
} catch (error) {
  exitOnConfigError(error);
  throw error;
}
const metricsPort =
  values['metrics-port'] !== undefined ? Number(values['metrics-port']) : config.metrics.port;
if (
  metricsPort !== undefined &&
  (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)
) {
  console.error(`kiosk: --metrics-port must be a port number, not ${values['metrics-port']}`);
  process.exit(2);
}
const dataDir = values.data ?? join(projectRoot, '.kiosk-data');
const version = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

function electronBinary(): string | undefined {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const binary = () => {
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const full = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(full) ? full : undefined;
  };
  if (binary()) return binary();
  // Electron 42+ fetches its binary on first use; give it one short chance.
  const fetched = spawnSync(process.execPath, [join(dir, 'install.js')], {
    stdio: 'ignore',
    timeout: 45_000,
  });
  return fetched.status === 0 ? binary() : undefined;
}

if (values.supervised) {
  const log = createLogger((line) => process.stderr.write(line + '\n'));
  const args = await childArguments(process.argv.slice(2));
  process.exit(await superviseKiosk({ script: process.argv[1]!, args, log }));
}
// Under a supervisor: heartbeats from this loop, and a clean stop if the supervisor goes away.
heartbeatIfSupervised(() => process.kill(process.pid, 'SIGTERM'));

if (!values.headless && !values.web) {
  const electron = electronBinary();
  if (electron) {
    const args = [
      electronJsFlags(),
      join(projectRoot, 'dist', 'electron', 'main.cjs'),
      ...(values.windowed ? ['--windowed'] : []),
    ];
    const child = spawn(electron, args, {
      stdio: 'inherit',
      env: {
        ...process.env,
        KIOSK_DATA_DIR: dataDir,
        ...(values.config ? { KIOSK_CONFIG: values.config } : {}),
      },
    });
    child.on('exit', (code) => process.exit(code ?? 0));
    process.on('SIGINT', () => child.kill('SIGINT'));
    process.on('SIGTERM', () => child.kill('SIGTERM'));
  } else {
    console.log(
      'kiosk: the Electron binary is not installed and cannot be downloaded here; starting web mode instead.',
    );
    await runWebMode(true);
  }
} else {
  await runWebMode(!values.headless);
}

async function runWebMode(openWindow: boolean): Promise<void> {
  const logRing = new LogRing();
  const metrics =
    metricsPort !== undefined
      ? new KioskMetrics({ version, kioskId: config.kioskId, processMetrics: true })
      : undefined;
  const logFile = config.log.file
    ? new RotatingLogFile({
        path: resolve(config.log.file),
        maxBytes: config.log.maxBytes,
        keep: config.log.keep,
      })
    : undefined;
  const written = createLogger((line) => {
    process.stderr.write(line + '\n');
    logFile?.write(line);
    logRing.push(line);
  });
  // The metrics count what the log tells (payments, staff calls, identify times).
  const log = metrics ? metrics.observe(written) : written;
  let kiosk: Awaited<ReturnType<typeof startWebMode>>;
  try {
    kiosk = await startWebMode({
      logRing,
      config,
      port,
      dataDir,
      log,
      clock: systemClock,
      controlToken: process.env.KIOSK_CONTROL_TOKEN,
      ...(values.scenario ? { scenario: loadScenario(values.scenario) } : {}),
      version,
    });
  } catch (error) {
    // Some fields are only checked as the host starts (the face policy file, the gateway's CA).
    exitOnConfigError(error);
    if (!(error instanceof DataFolderLocked) && !(error instanceof KeyLocationError)) throw error;
    console.error(`kiosk: not started: ${error.message}`);
    process.exit(1);
  }
  const monitoring =
    metrics &&
    (await monitorKiosk({
      metrics,
      host: kiosk.host,
      config,
      clock: systemClock,
      port: metricsPort ?? 0,
      log,
    }).catch(async (error: unknown) => {
      await kiosk.stop();
      throw error;
    }));
  const stopAll = async () => {
    await monitoring?.stop();
    await kiosk.stop();
  };
  // From here an error nothing caught stops the kiosk and exits non-zero, for a restart.
  installLastResort({ log, stop: stopAll });
  console.log(`kiosk: web mode at ${kiosk.url}`);
  if (monitoring) console.log(`kiosk: metrics at ${monitoring.url}metrics`);
  if (config.mode === 'simulator')
    console.log(
      `kiosk: simulator control API at ${kiosk.url}sim/ (header x-kiosk-control: ${kiosk.controlToken})`,
    );
  let browser: ReturnType<typeof spawn> | undefined;
  if (openWindow) browser = openChromium(kiosk.url);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    browser?.kill('SIGTERM');
    void stopAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function openChromium(url: string): ReturnType<typeof spawn> | undefined {
  const chromium = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].find((p) => existsSync(p));
  if (!chromium || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)) {
    console.log('kiosk: no Chromium or no display here; open the address above in a browser.');
    return undefined;
  }
  const profile = mkdtempSync(join(tmpdir(), 'kiosk-chromium-'));
  return spawn(
    chromium,
    [
      `--app=${url}`,
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      ...(values.windowed ? [] : ['--kiosk']),
    ],
    { stdio: 'ignore' },
  );
}
