import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIOSK_NODE_FLAGS, electronJsFlags, withKioskFlags } from './node-flags.ts';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('the kiosk host process V8 flags', () => {
  it('are added to Node options where missing, and a value already given is kept', () => {
    expect(withKioskFlags(['--import', 'tsx'])).toEqual(['--import', 'tsx', ...KIOSK_NODE_FLAGS]);
    expect(withKioskFlags(['--max-semi-space-size=8'])).toEqual(['--max-semi-space-size=8']);
    expect(withKioskFlags([...KIOSK_NODE_FLAGS])).toEqual([...KIOSK_NODE_FLAGS]);
  });

  it('every launcher of the kiosk host passes them', () => {
    // npm start: tsx hands Node flags before the script to Node.
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts[
      'start'
    ]!;
    expect(start).toContain(`tsx ${KIOSK_NODE_FLAGS.join(' ')} scripts/start.ts`);
    // Electron's main process, started by npm start and by the packaged Linux app's launcher.
    expect(read('scripts/start.ts')).toMatch(/const args = \[\s*electronJsFlags\(\),/);
    expect(read('electron-builder.yml')).toContain(`executableArgs: ['${electronJsFlags()}']`);
    // The e2e kiosks and the bench's, which measure the host as it runs.
    // (e2e/kiosk-server.ts starts every e2e kiosk, fresh-clone.spec.ts's too).
    expect(read('e2e/kiosk-server.ts')).toMatch(/\[\s*\.\.\.KIOSK_NODE_FLAGS,/);
    expect(read('e2e/global-setup.ts')).toContain('startKiosk(');
    expect(read('e2e/fresh-clone.spec.ts')).toContain('startKiosk(');
    expect(read('scripts/bench-ready.ts')).toContain('[...KIOSK_NODE_FLAGS, ...extra,');
    // The systemd unit starts the supervisor, whose children get them
    // (supervisor.process.test.ts reads a real child's options).
    expect(read('deploy/systemd/hospital-kiosk.service')).toMatch(
      /^ExecStart=\/usr\/bin\/node --import tsx scripts\/supervise\.ts /m,
    );
    expect(read('host/supervise-kiosk.ts')).toContain(
      'execArgv: withKioskFlags(execArgv ?? process.execArgv)',
    );
  });

  it('bound the young generation of a process started with them', async () => {
    const { execFileSync } = await import('node:child_process');
    const newSpace = (flags: readonly string[]) =>
      Number(
        execFileSync(process.execPath, [
          ...flags,
          '-e',
          // Allocate steadily, keeping some, as a frame loop does; then report the nursery.
          `const keep = []; for (let i = 0; i < 4e5; i++) { const o = { i, a: new Array(16).fill(i) }; if (i % 50 === 0) keep.push(o); }
           const s = require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
           process.stdout.write(String(s.space_size));`,
        ]),
      );
    const bounded = newSpace(KIOSK_NODE_FLAGS);
    expect(bounded).toBeLessThanOrEqual(3 * 2 ** 21);
    expect(newSpace([])).toBeGreaterThan(bounded);
  });
});
