/**
 * `npm run dist:deb` end to end: builds the .deb (gzip, for time), checks its control fields and
 * contents with dpkg-deb, unpacks it with `dpkg -x` into a scratch root (not `dpkg -i`: that
 * would add a system user and a service to the machine running the tests), then starts the host
 * from that tree exactly as the packaged systemd unit's ExecStart says (supervised, the packaged
 * default configuration, only the data folder and port moved to temporary ones) and pays a bill
 * through it: an e-voucher QR at the simulated scanner, then the KioskApi over the page's own
 * WebSocket as the kiosk's Chromium would, until the screen says done and a receipt is printed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionView } from '../core/kiosk-api.ts';
import { WS_PATH, serverMessageSchema } from '../core/ws-protocol.ts';
import { projectRoot } from '../face/face-engine.ts';

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
    ['scripts/dist-deb.mjs', '--out', join(dir, 'out'), '--compress', 'gzip'],
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
    const base = `http://127.0.0.1:${port}`;
    const page = await eventually(
      'the installed kiosk to serve its page',
      async () => {
        if (kiosk!.exitCode !== null) throw new Error(`the kiosk exited: ${kioskLog.slice(-2000)}`);
        const res = await fetch(base).catch(() => undefined);
        return res?.ok ? res.text() : undefined;
      },
      120_000,
    );
    const token = /<meta name="kiosk-token" content="([0-9a-f]+)"/.exec(page)?.[1];
    expect(token).toBeDefined();

    const api = await KioskSocket.open(`ws://127.0.0.1:${port}${WS_PATH}?token=${token}`, base);
    try {
      expect(await api.call('getInfo')).toMatchObject({ mode: 'simulator', version });
      // Stuart shows his e-voucher QR (default scenario, patient 8) to the simulated scanner.
      const scanned = await control(base, 'sim/scanner', {
        code: `424${String(8).padStart(17, '0')}00110000`,
      });
      expect(scanned.status).toBe(200);
      const bills = await api.view('bills');
      await api.call('selectBill', bills.screen === 'bills' ? bills.bills[0]!.id : '');
      await api.view('review');
      await api.call('confirmPayment');
      const next = await api.view(['choose-cash', 'done']);
      if (next.screen === 'choose-cash') {
        await api.call('chooseCashMethod', 'mobile');
        await api.view('paying-cash');
        expect((await control(base, 'sim/wallet/pay', {})).status).toBe(200);
      }
      const done = await api.view('done');
      expect(done.screen === 'done' && done.settlementId).toMatch(/\S/);
      expect(done.screen === 'done' && done.receipt).toBe('printed');
      const receipts = (await (
        await fetch(`${base}/sim/printer/receipts`, {
          headers: { 'x-kiosk-control': CONTROL_TOKEN },
        })
      ).json()) as { text: string }[];
      expect(receipts).toHaveLength(1);
    } finally {
      api.close();
    }
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

/** The unit's ExecStart, split into words (it holds no quoted arguments). */
function execStart(unit: string): string[] {
  return (/^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '').trim().split(/\s+/);
}

async function control(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}/${path}`, {
    method: 'POST',
    headers: { 'x-kiosk-control': CONTROL_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Polls until `probe` returns a value (not undefined), or fails after the timeout. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The KioskApi over web mode's WebSocket, as the renderer's bridge speaks it. */
class KioskSocket {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    (m: { ok: boolean; value?: unknown; error?: string }) => void
  >();
  private latest: SessionView | undefined;
  private readonly viewWaiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const message = serverMessageSchema.parse(JSON.parse(String(raw)));
      if (message.type === 'result') this.pending.get(message.id)?.(message);
      else if (message.event === 'view') {
        this.latest = message.payload as SessionView;
        for (const wake of this.viewWaiters) wake();
      }
    });
  }

  static open(url: string, origin: string): Promise<KioskSocket> {
    const ws = new WebSocket(url, { origin });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new KioskSocket(ws)));
      ws.once('error', reject);
    });
  }

  call(method: string, ...args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in 30 s`)), 30_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (m.ok) resolve(m.value);
        else reject(new Error(`${method}: ${m.error}`));
      });
      this.ws.send(JSON.stringify({ type: 'call', id, method, args }));
    });
  }

  /** Waits for the session to show one of these screens (from its events, or asked once). */
  async view(screen: SessionView['screen'] | SessionView['screen'][]): Promise<SessionView> {
    const wanted = Array.isArray(screen) ? screen : [screen];
    this.latest = (await this.call('getView')) as SessionView;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.latest && wanted.includes(this.latest.screen)) {
          clearTimeout(timer);
          this.viewWaiters.delete(check);
          resolve(this.latest);
        }
      };
      const timer = setTimeout(() => {
        this.viewWaiters.delete(check);
        reject(new Error(`no ${wanted.join(' or ')} screen in 60 s (at ${this.latest?.screen})`));
      }, 60_000);
      this.viewWaiters.add(check);
      check();
    });
  }

  close(): void {
    this.ws.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
