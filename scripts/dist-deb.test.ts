/**
 * `npm run dist:deb` end to end: builds the .deb (gzip, for time) and checks its control fields
 * and contents with dpkg-deb. Then twice through an installed kiosk, each paying a bill (an
 * e-voucher QR at the simulated scanner, then the KioskApi over the page's own WebSocket as the
 * kiosk's Chromium would, until the screen says done and a receipt is printed):
 * - unpacked with `dpkg -x` into a scratch folder, the host started from there as the packaged
 *   unit's ExecStart says (data, keys and port moved to temporary ones); runs wherever dpkg-deb is;
 * - installed with a real `dpkg -i` (maintainer scripts and all) in a private mount namespace
 *   whose /usr, /etc and /var are overlays (scripts/dist-deb.sandbox.sh), the host run as the
 *   service's own user, then `dpkg -r` and `dpkg -P`; needs root, unshare and overlayfs, and the
 *   machine is never changed. Neither starts systemd or a display.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';
import { eventually, freePort, payBillThrough } from './dist-deb.kiosk-client.ts';

const NAME = 'hospital-kiosk';
const dpkgMissing = spawnSync('dpkg-deb', ['--version']).status !== 0;
const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
};
const CONTROL_TOKEN = 'deb-test-control-token-0123456789';

let dir: string;
let deb: string;
let installed: string;
let kiosk: ChildProcess | undefined;
let kioskLog = '';
let sandbox: ChildProcess | undefined;

function run(command: string, args: string[], timeout = 60_000): string {
  const result = spawnSync(command, args, {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: ${result.error?.message ?? result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  if (dpkgMissing) return;
  dir = mkdtempSync(join(tmpdir(), 'kiosk-deb-test-'));
  const built = run(
    process.execPath,
    // Uncompressed: installed here only, and what is tested (contents, unit, install, a
    // payment) is the same whatever dpkg-deb compresses it with; gzip took ~22 s of CPU here.
    ['scripts/dist-deb.mjs', '--out', join(dir, 'out'), '--compress', 'none'],
    240_000,
  );
  deb = join(
    dir,
    'out',
    `${NAME}_${version.replace('-', '~')}_${run('dpkg', ['--print-architecture']).trim()}.deb`,
  );
  expect(built).toContain(deb);
  installed = join(dir, 'root');
  run('dpkg', ['-x', deb, installed], 120_000);
}, 300_000);

afterAll(async () => {
  if (kiosk && kiosk.exitCode === null && kiosk.signalCode === null) {
    const exited = new Promise((resolve) => kiosk!.once('exit', resolve));
    kiosk.kill('SIGTERM');
    await exited;
  }
  // The sandbox and the kiosk in it are one process group of their own.
  if (sandbox?.pid && sandbox.exitCode === null && sandbox.signalCode === null) {
    const exited = new Promise((resolve) => sandbox!.once('exit', resolve));
    process.kill(-sandbox.pid, 'SIGKILL');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(dpkgMissing)('npm run dist:deb', () => {
  it('has the control fields, conffiles and maintainer scripts a Debian system needs', () => {
    const info = run('dpkg-deb', ['--info', deb]);
    expect(info).toMatch(new RegExp(`^ Package: ${NAME}$`, 'm'));
    expect(info).toMatch(new RegExp(`^ Version: ${version.replace('-', '~')}$`, 'm'));
    const depends = /^ Depends: (.*)$/m.exec(info)?.[1] ?? '';
    const major = process.versions.node.split('.')[0]!;
    expect(depends).toContain(`nodejs (>= ${major})`);
    expect(depends).toContain(`nodejs (<< ${Number(major) + 1})`);
    expect(depends).toContain('chromium | chromium-browser');
    expect(depends).toContain('fonts-noto-cjk');
    expect(Number(/^ Installed-Size: (\d+)$/m.exec(info)?.[1])).toBeGreaterThan(10_000);
    expect(run('dpkg-deb', ['--info', deb, 'conffiles']).trim().split('\n').sort()).toEqual([
      `/etc/chromium/policies/managed/${NAME}.json`,
      `/etc/default/${NAME}`,
      `/etc/${NAME}/config.json`,
    ]);
    const postinst = run('dpkg-deb', ['--info', deb, 'postinst']);
    expect(postinst).toContain('useradd --system');
    expect(postinst).toContain('for dir in "/var/lib/$NAME" "/var/lib/$NAME-keys"; do');
    expect(postinst).toContain('install -d -m 0700 -o "$NAME" -g "$NAME" "$dir"');
    // Data is deleted on purge only, never on remove.
    const postrm = run('dpkg-deb', ['--info', deb, 'postrm']);
    const [removeBranch, purgeBranch] = postrm.split(/^ {2}purge\)$/m);
    expect(removeBranch).not.toContain('rm -rf');
    expect(purgeBranch).toContain('rm -rf "/var/lib/$NAME"');
    const control = join(dir, 'control');
    run('dpkg-deb', ['--control', deb, control]);
    for (const script of ['postinst', 'prerm', 'postrm'])
      expect(spawnSync('sh', ['-n', join(control, script)]).status, script).toBe(0);
  });

  it('holds the host, the built renderer, the models and production dependencies only', () => {
    const listing = run('dpkg-deb', ['--contents', deb], 120_000);
    const paths = new Map(
      listing
        .trim()
        .split('\n')
        .map((line) => {
          const parts = line.split(/\s+/);
          return [parts[5]!.replace(/^\./, ''), { mode: parts[0]!, owner: parts[1]! }];
        }),
    );
    const app = `/usr/lib/${NAME}`;
    const manifestText = readFileSync(join(projectRoot, 'models', 'manifest.json'), 'utf8');
    const manifest = JSON.parse(manifestText) as { files: Record<string, unknown> };
    for (const path of [
      `${app}/scripts/start.ts`,
      `${app}/host/web-mode.ts`,
      `${app}/gateway/simulator/default-scenario.json`,
      `${app}/dist/renderer/index.html`,
      `${app}/models/manifest.json`,
      ...Object.keys(manifest.files).map((file) => `${app}/models/${file}`),
      `${app}/node_modules/tsx/package.json`,
      `${app}/node_modules/better-sqlite3/package.json`,
      `/lib/systemd/system/${NAME}.service`,
      `/etc/${NAME}/config.json`,
      `/etc/default/${NAME}`,
      `/usr/bin/${NAME}-browser`,
      `/usr/share/doc/${NAME}/deploy.md`,
    ])
      expect(paths.has(path), path).toBe(true);
    expect(paths.get(`/etc/${NAME}/config.json`)).toEqual({
      mode: '-rw-r-----',
      owner: 'root/root',
    });
    expect(paths.get(`/usr/bin/${NAME}-browser`)).toEqual({
      mode: '-rwxr-xr-x',
      owner: 'root/root',
    });
    const unwanted = [...paths.keys()].filter(
      (path) =>
        /\.map$/.test(path) ||
        (/\.test\.ts$/.test(path) && !path.includes('/node_modules/')) ||
        /\/node_modules\/(electron|vitest|playwright|@playwright|eslint|typescript|vite)\//.test(
          path,
        ),
    );
    expect(unwanted).toEqual([]);
  });

  it('installs a unit that runs the supervised host as its own user with its data in /var/lib', () => {
    const unit = readFileSync(join(installed, 'lib/systemd/system', `${NAME}.service`), 'utf8');
    expect(unit).toMatch(new RegExp(`^User=${NAME}$`, 'm'));
    expect(unit).toMatch(new RegExp(`^WorkingDirectory=/usr/lib/${NAME}$`, 'm'));
    expect(unit).toMatch(/^StateDirectoryMode=0700$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(new RegExp(`^EnvironmentFile=-/etc/${NAME}/secrets.env$`, 'm'));
    expect(unit).toMatch(new RegExp(`^StateDirectory=${NAME} ${NAME}-keys$`, 'm'));
    expect(unit).toMatch(new RegExp(`^Environment=KIOSK_KEYS_DIR=/var/lib/${NAME}-keys$`, 'm'));
    const command = execStart(unit);
    expect(command.slice(0, 3)).toEqual(['/usr/bin/node', '--import', 'tsx']);
    expect(existsSync(join(installed, 'usr/lib', NAME, command[3]!)), command[3]).toBe(true);
    expect(command.join(' ')).toContain(
      `--headless --port \${KIOSK_PORT} --config /etc/${NAME}/config.json --data /var/lib/${NAME}`,
    );
    expect(readFileSync(join(installed, 'etc/default', NAME), 'utf8')).toMatch(
      /^KIOSK_PORT=8080$/m,
    );
  });

  it.skipIf(spawnSync('systemd-analyze', ['--version']).status !== 0)(
    "passes systemd's own check of the unit",
    () => {
      // Bad values are warnings (exit 0) naming the file; a missing program is an error.
      const unit = join(installed, 'lib/systemd/system', `${NAME}.service`);
      const verify = spawnSync('systemd-analyze', ['verify', unit], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(verify.status, verify.stderr).toBe(0);
      expect(`${verify.stdout}${verify.stderr}`).not.toContain(`${NAME}.service`);
    },
  );

  it('has a launcher that refuses plainly without a display', () => {
    const launcher = join(installed, 'usr/bin', `${NAME}-browser`);
    expect(spawnSync('bash', ['-n', launcher]).status).toBe(0);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', KIOSK_PORT: '1' };
    const refused = spawnSync(launcher, [], { env, encoding: 'utf8', timeout: 10_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/no display|no chromium/);
  });

  it('starts the installed host as its unit does and pays a bill through it', async () => {
    const unit = readFileSync(join(installed, 'lib/systemd/system', `${NAME}.service`), 'utf8');
    const port = await freePort();
    const data = join(dir, 'data');
    const keys = join(dir, 'keys');
    // The unit's command line and environment with the scratch root's paths, a free port and
    // temporary data and key folders; the packaged default configuration as it is.
    const moved = (word: string) =>
      word
        .replace('/usr/bin/node', process.execPath)
        .replace('${KIOSK_PORT}', String(port))
        .replace(`/etc/${NAME}/`, join(installed, 'etc', NAME) + '/')
        .replace(new RegExp(`/var/lib/${NAME}-keys$`), keys)
        .replace(new RegExp(`/var/lib/${NAME}$`), data);
    const [node, ...args] = execStart(unit).map(moved);
    const environment = Object.fromEntries(
      [...unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, moved(m[2]!)]),
    );
    expect(environment).toEqual({ KIOSK_KEYS_DIR: keys });
    const cwd = join(installed, 'usr/lib', NAME);
    kiosk = spawn(node!, args, {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        KIOSK_CONTROL_TOKEN: CONTROL_TOKEN,
        ...environment,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    kiosk.stdout!.on('data', (chunk: Buffer) => (kioskLog += chunk.toString()));
    kiosk.stderr!.on('data', (chunk: Buffer) => (kioskLog += chunk.toString()));
    await payBillThrough(port, CONTROL_TOKEN, version, () =>
      kiosk!.exitCode !== null ? `the kiosk exited: ${kioskLog.slice(-2000)}` : undefined,
    );
    // The data and its keys went where the unit says, apart, and not into the package's tree.
    expect(existsSync(join(data, 'payment-journal.sqlite'))).toBe(true);
    expect(existsSync(join(keys, 'payment-journal.key'))).toBe(true);
    expect(existsSync(join(data, 'payment-journal.key'))).toBe(false);
    expect(existsSync(join(cwd, '.kiosk-data'))).toBe(false);

    const exited = new Promise<number | null>((resolve) => kiosk!.once('exit', resolve));
    kiosk.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
if (dpkgMissing) it.skip('dist:deb: dpkg-deb is not installed here', () => undefined);

/**
 * Why a real `dpkg -i` cannot run in a private mount namespace here, or undefined when it can: it
 * needs root, unshare and overlayfs, and the package's dependencies installed (dpkg, unlike apt,
 * does not fetch them).
 */
function sandboxUnavailable(): string | undefined {
  if (dpkgMissing) return 'dpkg-deb is not installed here';
  if (process.getuid?.() !== 0) return 'not root';
  const probe = mkdtempSync(join(tmpdir(), 'kiosk-deb-probe-'));
  try {
    for (const d of ['upper', 'work', 'mnt']) mkdirSync(join(probe, d));
    const mounted = spawnSync(
      'unshare',
      [
        '--mount',
        '--fork',
        'mount',
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=/usr,upperdir=${probe}/upper,workdir=${probe}/work`,
        join(probe, 'mnt'),
      ],
      { timeout: 10_000 },
    );
    if (mounted.status !== 0) return 'no unshare with overlayfs here';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  const installed = (name: string) =>
    spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', name], { encoding: 'utf8' }).stdout ===
    'installed';
  const missing = ['nodejs', 'fonts-noto-cjk', 'passwd'].filter((name) => !installed(name));
  if (!installed('chromium') && !installed('chromium-browser')) missing.push('chromium');
  return missing.length > 0
    ? `dependencies not installed as packages: ${missing.join(', ')}`
    : undefined;
}
const noSandbox = sandboxUnavailable();

describe.skipIf(noSandbox !== undefined)('the .deb installed with dpkg -i in a sandbox', () => {
  it('makes the user and folders, runs the host as that user, pays, and keeps data until purge', async () => {
    const scratch = join(dir, 'sandbox');
    mkdirSync(scratch);
    const port = await freePort();
    sandbox = spawn(
      'unshare',
      [
        '--mount',
        '--fork',
        'bash',
        join(projectRoot, 'scripts/dist-deb.sandbox.sh'),
        deb,
        String(port),
        CONTROL_TOKEN,
        scratch,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    sandbox.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    sandbox.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => sandbox!.once('exit', resolve));
    const ended = () =>
      sandbox!.exitCode !== null || sandbox!.signalCode !== null
        ? `the sandbox ended: ${err.slice(-2000)}${kioskLogOf(scratch)}`
        : undefined;
    await eventually(
      'dpkg -i and the kiosk started',
      async () => {
        const why = ended();
        if (why) throw new Error(why);
        return out.includes('started\n') ? true : undefined;
      },
      180_000,
    );
    await payBillThrough(port, CONTROL_TOKEN, version, ended).catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}${kioskLogOf(scratch)}`,
      );
    });
    writeFileSync(join(scratch, 'paid'), '');
    expect(await exited, err).toBe(0);
    const facts = Object.fromEntries(
      [...out.matchAll(/^fact ([^=]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(facts).toEqual({
      status: 'installed',
      user: `${NAME}:/var/lib/${NAME}:/usr/sbin/nologin`,
      [`mode:/var/lib/${NAME}`]: `700 ${NAME} ${NAME}`,
      [`mode:/var/lib/${NAME}-keys`]: `700 ${NAME} ${NAME}`,
      [`mode:/etc/${NAME}`]: `750 root ${NAME}`,
      [`mode:/etc/${NAME}/config.json`]: `640 root ${NAME}`,
      [`mode:/etc/${NAME}/secrets.env`]: `640 root ${NAME}`,
      enabled: 'yes',
      'kiosk-exit': '0',
      // The kiosk, run as the service user, wrote its data and its keys apart, private.
      [`mode:/var/lib/${NAME}/payment-journal.sqlite`]: `600 ${NAME} ${NAME}`,
      [`mode:/var/lib/${NAME}-keys/payment-journal.key`]: `600 ${NAME} ${NAME}`,
      'key-in-data': 'no',
      // Remove: the program goes; data, keys, configuration and secrets stay.
      'removed:status': 'config-files',
      'removed:program': 'no',
      'removed:journal': 'yes',
      'removed:keys': 'yes',
      'removed:config': 'yes',
      'removed:secrets': 'yes',
      // Purge: all of it goes.
      'purged:data': 'no',
      'purged:keys': 'no',
      'purged:etc': 'no',
    });
  }, 300_000);
});
if (noSandbox !== undefined) it.skip(`dist:deb with dpkg -i: ${noSandbox}`, () => undefined);

function kioskLogOf(scratch: string): string {
  const file = join(scratch, 'kiosk.log');
  return existsSync(file) ? `\nkiosk log:\n${readFileSync(file, 'utf8').slice(-2000)}` : '';
}

/** The unit's ExecStart, split into words (it holds no quoted arguments). */
function execStart(unit: string): string[] {
  return (/^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '').trim().split(/\s+/);
}
