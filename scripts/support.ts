// npm run support -- bundle [--config FILE] [--data DIR] [--log FILE | --unit NAME] [--out FILE]
//                            [--no-devices]
// Writes a .tar.gz for a vendor ticket (host/support-bundle.ts says what is in it and what is
// kept out). Exits 2 on a usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../face/face-engine.ts';
import {
  dataListing,
  journaldLog,
  logTail,
  openJournalEntries,
  redactConfig,
  redactLogLine,
  versions,
} from '../host/support-bundle.ts';

const usage = `usage: npm run support -- bundle [options]

  --config FILE  the kiosk's configuration (secrets are replaced before it is added)
  --data DIR     the kiosk's data folder (default: $KIOSK_DATA_DIR or .kiosk-data)
  --log FILE     a log file to add (redacted); without it, journald's log of --unit
  --unit NAME    the systemd unit (default hospital-kiosk)
  --out FILE     where to write the archive (default: kiosk-support-<time>.tar.gz here)
  --no-devices   leave out the device check (a running kiosk holds the devices)`;

function main(): number {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        data: { type: 'string' },
        log: { type: 'string' },
        unit: { type: 'string', default: 'hospital-kiosk' },
        out: { type: 'string' },
        'no-devices': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (args.positionals.length !== 1 || args.positionals[0] !== 'bundle') {
    console.error(usage);
    return 2;
  }
  const v = args.values;
  const dataDir = resolve(v.data ?? process.env.KIOSK_DATA_DIR ?? join(projectRoot, '.kiosk-data'));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = resolve(v.out ?? `kiosk-support-${stamp}.tar.gz`);
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-support-'));
  try {
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    let config: unknown = 'no configuration file given: a simulator kiosk with defaults';
    if (v.config !== undefined) {
      try {
        config = redactConfig(JSON.parse(readFileSync(v.config, 'utf8')));
      } catch (error) {
        config = `cannot read ${v.config}: ${(error as Error).message}`;
      }
    }
    write('config.json', `${JSON.stringify(config, null, 2)}\n`);
    write('versions.json', `${JSON.stringify(versions(projectRoot), null, 2)}\n`);
    write('data-listing.txt', `${dataListing(dataDir).join('\n')}\n`);
    let open: unknown;
    try {
      open = openJournalEntries(join(dataDir, 'payment-journal.sqlite'));
    } catch (error) {
      open = `cannot read the journal: ${(error as Error).message}`;
    }
    write('open-payments.json', `${JSON.stringify(open, null, 2)}\n`);
    const log =
      v.log !== undefined
        ? existsSync(v.log)
          ? logTail(v.log).slice(-20_000)
          : [`no log file at ${v.log}`]
        : (journaldLog(v.unit) ?? [`no journald log for ${v.unit} (pass --log FILE)`]);
    write('log.txt', `${log.map(redactLogLine).join('\n')}\n`);
    if (!v['no-devices']) {
      const check = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(projectRoot, 'scripts', 'devices.ts'),
          'check',
          '--no-print',
          ...(v.config ? ['--config', v.config] : []),
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      write('devices.txt', `${check.stdout}${check.stderr}exit ${check.status ?? 'timeout'}\n`);
    }
    write(
      'README.txt',
      'Kiosk support bundle: configuration (secrets replaced), versions, data folder listing (no\n' +
        'contents), open payments (references and amounts, no patient), the log (ID-number,\n' +
        'phone and key shapes masked) and the device check. Nothing here names a patient.\n',
    );
    const tar = spawnSync('tar', ['-czf', out, '-C', dir, '.'], { encoding: 'utf8' });
    if (tar.status !== 0) {
      console.error(`tar failed: ${tar.stderr}`);
      return 1;
    }
    console.log(out);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(main());
