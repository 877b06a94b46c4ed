// npm run dist:deb [-- --out DIR] [--compress xz|gzip|none] [--keep-staging]
//
// Builds hospital-kiosk_VERSION_ARCH.deb, the web-mode kiosk for Debian-based systems (Debian,
// UOS, Kylin), with dpkg-deb alone: no electron-builder, no download. What goes in and where is
// in deploy/debian/README.md. The host runs from its TypeScript sources with tsx (as `npm start`
// does), so the package runs exactly the code the tests run; the renderer is built by vite into
// the package's tree (the project's own dist/ is not touched); production dependencies are
// copied from this checkout's node_modules (`npm ls --omit=dev`), native modules included, so
// the package only works with the Node major it was built with (Depends says so).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const NAME = 'hospital-kiosk';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const debianDir = join(root, 'deploy', 'debian');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'dist', 'deb') },
    /**
     * xz (default): the smallest file; gzip: about 30% larger, several times faster to build;
     * none: 2.8x gzip's size, built in a second (gzip takes ~22 s here), for a package that is
     * only installed on the machine that built it (the tests).
     */
    compress: { type: 'string', default: 'xz' },
    'keep-staging': { type: 'boolean', default: false },
  },
});
if (!['xz', 'gzip', 'none'].includes(values.compress))
  throw new Error(`--compress must be xz, gzip or none, not ${values.compress}`);

/** Runs a command; its failure stops the build with the command's own words. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
    ...options,
  });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Debian's version syntax: npm's "1.2.0-rc.1" sorts before 1.2.0 only as "1.2.0~rc.1". */
function debianVersion(npmVersion) {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(npmVersion))
    throw new Error(`package.json version is not semver: ${npmVersion}`);
  return npmVersion.replace('-', '~');
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = debianVersion(pkg.version);
const arch = run('dpkg', ['--print-architecture']).trim();
const nodeMajor = Number(process.versions.node.split('.')[0]);

const staging = mkdtempSync(join(tmpdir(), 'kiosk-deb-'));
const app = join(staging, 'usr', 'lib', NAME);
const copyInto = (from, to, filter) =>
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, ...(filter ? { filter } : {}) });
const write = (path, text, mode = 0o644) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
};

try {
  // The host: the source folders it imports, without tests or test fixtures.
  const notTest = (path) =>
    !/\.(test|fixture)\.ts$/.test(path) && !path.includes(`${join('printer', 'golden')}`);
  for (const folder of ['core', 'host', 'hardware', 'gateway', 'face'])
    copyInto(join(root, folder), join(app, folder), notTest);
  for (const file of [
    'scripts/start.ts',
    'scripts/supervise.ts',
    'scripts/devices.ts',
    'scripts/staff.ts',
    'package.json',
    'tsconfig.json',
  ])
    copyInto(join(root, file), join(app, file));

  // The face model weights (copied from npm into models/ at `npm ci`), checked against their
  // manifest so a half-copied folder cannot be shipped.
  const manifest = JSON.parse(readFileSync(join(root, 'models', 'manifest.json'), 'utf8'));
  for (const [file, { bytes }] of Object.entries(manifest.files)) {
    const path = join(root, 'models', file);
    if (!existsSync(path) || statSync(path).size !== bytes)
      throw new Error(`models/${file} is missing or not the size its manifest says: run npm ci`);
  }
  copyInto(join(root, 'models'), join(app, 'models'));

  // The renderer, built straight into the package.
  run('npx', [
    'vite',
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--outDir',
    join(app, 'dist', 'renderer'),
    '--emptyOutDir',
    '--logLevel',
    'warn',
  ]);

  // Production dependencies, as installed here (native modules already built for this Node).
  // Source maps are left out: half the size, and nothing at run time reads them.
  const listed = run('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    // npm ls exits 1 for an optional dependency that is not installed (tfjs-node); the list is
    // still complete, and a real problem shows as a missing module in the test's payment.
    timeout: 120_000,
  });
  const packages = listed
    .split('\n')
    .map((line) => relative(root, line.trim()))
    .filter((path) => path.startsWith('node_modules'));
  for (const path of packages) {
    const from = join(root, path);
    copyInto(from, join(app, path), (source) => {
      if (source.endsWith('.map')) return false;
      // Nested node_modules are listed (and copied) on their own, only those npm ls names.
      return !(
        source !== from &&
        basename(source) === 'node_modules' &&
        lstatSync(source).isDirectory()
      );
    });
  }

  // The service, its defaults, the screen's launcher and the documentation.
  write(join(staging, 'lib', 'systemd', 'system', `${NAME}.service`), packagedUnit());
  // 0640 from the start (the admin PIN goes in it); postinst gives it to the service's group.
  write(
    join(staging, 'etc', NAME, 'config.json'),
    readFileSync(join(debianDir, 'config.json')),
    0o640,
  );
  write(join(staging, 'etc', 'default', NAME), readFileSync(join(debianDir, 'default')));
  write(
    join(staging, 'etc', 'chromium', 'policies', 'managed', `${NAME}.json`),
    readFileSync(join(debianDir, 'chromium-policy.json')),
  );
  write(
    join(staging, 'usr', 'bin', `${NAME}-browser`),
    readFileSync(join(debianDir, `${NAME}-browser`)),
    0o755,
  );
  write(
    join(staging, 'usr', 'share', 'applications', `${NAME}-browser.desktop`),
    readFileSync(join(debianDir, `${NAME}-browser.desktop`)),
  );
  const doc = join(staging, 'usr', 'share', 'doc', NAME);
  write(join(doc, 'deploy.md'), readFileSync(join(root, 'docs', 'deploy.md')));
  write(join(doc, 'monitoring.md'), readFileSync(join(root, 'deploy', 'README.md')));
  write(join(doc, 'systemd.md'), readFileSync(join(root, 'deploy', 'systemd', 'README.md')));
  copyInto(join(root, 'deploy', 'prometheus'), join(doc, 'prometheus'));
  write(join(doc, 'copyright'), readFileSync(join(debianDir, 'copyright')));

  // Control files.
  const control = join(staging, 'DEBIAN');
  mkdirSync(control, { mode: 0o755 });
  const installedKiB = Number(run('du', ['-sk', '--exclude=DEBIAN', staging]).split(/\s/)[0]);
  write(
    join(control, 'control'),
    readFileSync(join(debianDir, 'control.in'), 'utf8')
      .replaceAll('@VERSION@', version)
      .replaceAll('@ARCH@', arch)
      .replaceAll('@INSTALLED_SIZE@', String(installedKiB))
      .replaceAll('@NODE_MAJOR@', String(nodeMajor))
      .replaceAll('@NEXT_NODE_MAJOR@', String(nodeMajor + 1)),
  );
  write(
    join(control, 'conffiles'),
    [
      `/etc/${NAME}/config.json`,
      `/etc/default/${NAME}`,
      `/etc/chromium/policies/managed/${NAME}.json`,
      '',
    ].join('\n'),
  );
  for (const script of ['postinst', 'prerm', 'postrm'])
    write(join(control, script), readFileSync(join(debianDir, script)), 0o755);

  mkdirSync(values.out, { recursive: true });
  const deb = join(values.out, `${NAME}_${version}_${arch}.deb`);
  // Files owned by root whoever builds; xz or gzip, which every dpkg on Debian, UOS and Kylin
  // reads (zstd only the newer ones), or none.
  run('dpkg-deb', ['--root-owner-group', `-Z${values.compress}`, '--build', staging, deb]);
  const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `${deb}: ${mib(statSync(deb).size)} MiB (installed ${mib(installedKiB * 1024)} MiB, ${packages.length} npm packages)`,
  );
} finally {
  if (values['keep-staging']) console.log(`staging tree kept at ${staging}`);
  else rmSync(staging, { recursive: true, force: true });
}

/**
 * deploy/systemd/hospital-kiosk.service (the source install's unit) made the package's: the same
 * command, restart policy and hardening, with the package's paths, its own account, the port from
 * /etc/default, the gateway secret from /etc/hospital-kiosk/secrets.env and the sealing keys in
 * their own folder beside (not inside) the data folder (host/key-location.ts). Each replaced line
 * must be there exactly once, so a change to that unit cannot silently slip past the package.
 */
function packagedUnit() {
  const source = readFileSync(join(root, 'deploy', 'systemd', `${NAME}.service`), 'utf8');
  if (/^LoadCredential/m.test(source))
    throw new Error(
      `deploy/systemd/${NAME}.service loads credentials: the package has no step that makes them yet (postinst); decide how before packaging it`,
    );
  const execStart = /^ExecStart=(.*)$/m.exec(source)?.[1] ?? '';
  if (!/ --port 8080 /.test(execStart))
    throw new Error(
      `deploy/systemd/${NAME}.service: ExecStart has no "--port 8080" to make configurable`,
    );
  const replacements = [
    [
      /^Documentation=.*$/m,
      `Documentation=file:///usr/share/doc/${NAME}/deploy.md file:///usr/share/doc/${NAME}/systemd.md`,
    ],
    [/^User=.*$/m, `User=${NAME}`],
    [/^Group=.*$/m, `Group=${NAME}`],
    [/^WorkingDirectory=.*$/m, `WorkingDirectory=/usr/lib/${NAME}`],
    [
      /^ExecStart=.*$/m,
      [
        `EnvironmentFile=/etc/default/${NAME}`,
        `EnvironmentFile=-/etc/${NAME}/secrets.env`,
        '# The keys that seal the data at rest, apart from the data (and from its backups).',
        `Environment=KIOSK_KEYS_DIR=/var/lib/${NAME}-keys`,
        `ExecStart=${execStart.replace(' --port 8080 ', ' --port ${KIOSK_PORT} ')}`,
      ].join('\n'),
    ],
    [/^StateDirectory=.*$/m, `StateDirectory=${NAME} ${NAME}-keys`],
    [/^ReadWritePaths=.*$/m, `ReadWritePaths=/var/lib/${NAME} /var/lib/${NAME}-keys`],
  ];
  let unit = source;
  for (const [pattern, line] of replacements) {
    const count = source.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
    if (count !== 1)
      throw new Error(`deploy/systemd/${NAME}.service: expected one ${pattern}, found ${count}`);
    unit = unit.replace(pattern, line);
  }
  // The source unit's first comment paragraph is about installing from a checkout in /opt.
  const lines = unit.split('\n');
  const end = lines.indexOf('#');
  const body =
    end > 0 && lines.slice(0, end).every((l) => l.startsWith('#')) ? lines.slice(end + 1) : lines;
  return [
    `# ${NAME}.service as installed by the ${NAME} package (scripts/dist-deb.mjs made it from`,
    `# deploy/systemd/${NAME}.service). Local changes: systemctl edit ${NAME}.`,
    '#',
    ...body,
  ].join('\n');
}
