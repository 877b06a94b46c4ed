/**
 * electron-builder.yml, read as electron-builder would read the parts we rely on. The fuses can
 * only be seen in a packaged binary (`npx @electron/fuses read --app ...`), which cannot be built
 * here, so the configuration that flips them is what is checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { APP_URL } from './app-protocol.ts';

const config = readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8');

/**
 * A top-level `key:` block of flat `name: scalar` pairs. Deliberately strict: anything in the
 * block it does not understand fails the test rather than being skipped.
 */
function topLevelMap(yaml: string, key: string): Map<string, string> {
  const lines = yaml.split(/\r?\n/);
  const starts = lines.flatMap((line, i) => (line.replace(/\s+#.*$/, '') === `${key}:` ? [i] : []));
  if (starts.length !== 1) throw new Error(`${key}: found ${starts.length} times`);
  const map = new Map<string, string>();
  for (const line of lines.slice(starts[0]! + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    if (!/^\s/.test(line)) break;
    const entry = /^ {2}([A-Za-z][A-Za-z0-9]*): *([^\s#]+) *(#.*)?$/.exec(line);
    if (!entry) throw new Error(`${key}: cannot read "${line}"`);
    if (map.has(entry[1]!)) throw new Error(`${key}: ${entry[1]} twice`);
    map.set(entry[1]!, entry[2]!);
  }
  return map;
}

/** A top-level scalar, or undefined when absent. */
function topLevelScalar(yaml: string, key: string): string | undefined {
  return new RegExp(`^${key}: *([^\\s#]+)`, 'm').exec(yaml)?.[1];
}

/** electron-builder's FuseOptionsV1 (app-builder-lib), as documented on electron.build. */
const documentedFuses = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
  'resetAdHocDarwinSignature',
];

const wanted: [string, boolean, string][] = [
  ['runAsNode', false, 'ELECTRON_RUN_AS_NODE would run any script as the app, keys and all'],
  ['enableCookieEncryption', true, 'cookies on disk sealed by the OS keychain'],
  ['enableNodeOptionsEnvironmentVariable', false, 'NODE_OPTIONS could --require any code'],
  ['enableNodeCliInspectArguments', false, '--inspect would open a debugger on the main process'],
  ['enableEmbeddedAsarIntegrityValidation', true, 'a changed app.asar refuses to start'],
  ['onlyLoadAppFromAsar', true, 'no app/ folder beside app.asar can replace it'],
  ['grantFileProtocolExtraPrivileges', false, 'file:// pages get only what a browser gives'],
];

describe('electron-builder.yml', () => {
  const fuses = topLevelMap(config, 'electronFuses');

  it.each(wanted)('sets the %s fuse to %s (%s)', (name, value) => {
    expect(fuses.get(name)).toBe(String(value));
  });

  it('sets no fuse by a name electron-builder does not know', () => {
    for (const name of fuses.keys()) expect(documentedFuses).toContain(name);
  });

  // electron-builder is not a dependency here; when it is installed, its own schema decides.
  const require = createRequire(import.meta.url);
  let schemaPath: string | undefined;
  try {
    schemaPath = require.resolve('app-builder-lib/scheme.json');
  } catch {
    schemaPath = undefined;
  }
  it.skipIf(schemaPath === undefined || !existsSync(schemaPath))(
    "uses the fuse names of the installed electron-builder's schema",
    () => {
      const schema = JSON.parse(readFileSync(schemaPath!, 'utf8')) as {
        definitions: Record<string, { properties?: Record<string, unknown> }>;
      };
      const known = Object.keys(schema.definitions.FuseOptionsV1?.properties ?? {});
      for (const name of fuses.keys()) expect(known).toContain(name);
    },
  );

  it('packs the app into an asar, which the integrity and asar-only fuses need', () => {
    expect(topLevelScalar(config, 'asar')).not.toBe('false');
  });

  it('lets electron-builder edit the Windows executable, where the asar hash is embedded', () => {
    expect(config).not.toMatch(/signAndEditExecutable:\s*false/);
  });

  it('does not serve the kiosk page from file://, which the fuses leave unprivileged', () => {
    expect(new URL(APP_URL).protocol).toBe('app:');
  });

  it('reads what it is given and nothing else', () => {
    expect(() => topLevelMap('a:\n  b: true\n  c: [x, y]\n', 'a')).toThrow('cannot read');
    expect(() => topLevelMap('a:\n  b: true\na:\n  b: false\n', 'a')).toThrow('2 times');
    expect(() => topLevelMap('a:\n  b: true\n  b: false\n', 'a')).toThrow('b twice');
    expect(
      topLevelMap('x: 1\na: # fuses\n  # note\n  b: true # yes\n\n  c: false\nd: 2\n', 'a'),
    ).toEqual(
      new Map([
        ['b', 'true'],
        ['c', 'false'],
      ]),
    );
  });
});
