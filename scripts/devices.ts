// npm run devices -- check [--config FILE] [--no-print]
// Self-test of every configured device (hardware/diagnostics.ts); prints one row per device and
// exits 1 when any fails, 2 on a usage or configuration error. With no --config, the simulators.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DeviceConfigError } from '../hardware/device-config.ts';
import { parseDevicesConfig } from '../hardware/devices-config.ts';
import { formatTable, runDiagnostics } from '../hardware/diagnostics.ts';
import { resolveFixturesDir } from '../host/fixtures-dir.ts';

const usage = `usage: npm run devices -- check [--config FILE] [--no-print]

  check          open each configured device and exercise it once:
                 printer: status and a test page; scanner: open and status; camera: one frame
  --config FILE  JSON with "scanner", "printer", "camera" entries (a kiosk config file works);
                 without it, the simulated devices are checked
  --no-print     printer: read the status only, print no test page`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        'no-print': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (args.values.help) {
    console.log(usage);
    return 0;
  }
  if (args.positionals.length !== 1 || args.positionals[0] !== 'check') {
    console.error(usage);
    return 2;
  }

  let raw: unknown = {};
  if (args.values.config !== undefined) {
    try {
      raw = JSON.parse(readFileSync(args.values.config, 'utf8'));
    } catch (error) {
      console.error(`cannot read ${args.values.config}: ${(error as Error).message}`);
      return 2;
    }
  }
  let config;
  try {
    config = parseDevicesConfig(raw);
  } catch (error) {
    if (error instanceof DeviceConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }

  const projectRoot = resolve(import.meta.dirname, '..');
  // A simulated camera given no folder shows what the kiosk's would: the shared fixtures, else
  // the demo people drawn at install (host/fixtures-dir.ts).
  const camera = (raw as { camera?: { fixturesDir?: unknown } } | null)?.camera;
  if (config.camera.kind === 'simulated' && camera?.fixturesDir === undefined) {
    const { dir } = resolveFixturesDir({ projectRoot, env: process.env });
    config = { ...config, camera: { ...config.camera, fixturesDir: dir } };
  }
  const rows = await runDiagnostics(config, {
    projectRoot,
    print: !args.values['no-print'],
  });
  console.log(formatTable(rows));
  const failed = rows.filter((r) => r.result === 'fail').length;
  console.log(failed === 0 ? '\nall devices passed' : `\n${failed} of ${rows.length} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
