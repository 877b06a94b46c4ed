/**
 * V8 flags the kiosk host's process runs with. Node cannot change them once it runs, so every
 * launcher passes them: `npm start` (package.json), the supervisor's children
 * (supervise-kiosk.ts), the systemd unit (deploy/systemd/), Electron (`--js-flags`, from
 * scripts/start.ts and the packaged Linux app's launcher, electron-builder.yml), the e2e
 * kiosks and the bench. node-flags.test.ts checks each of them.
 *
 * `--max-semi-space-size=2` (MB): the host's thread handles a camera frame many times a second
 * (grab, preview JPEG, results), and under that steady allocation V8 grows its young generation
 * to 32 MB and then keeps it, with most of its old generation's pages, after the garbage is
 * gone. Bounded, collections come more often and each is smaller. Measured with the whole kiosk:
 * 30-40 MB less resident memory after 50 face payments, payment time within the noise
 * (docs/performance.md). The face workers get the same bound from their resourceLimits
 * (face/face-engine-pool.ts).
 */
export const KIOSK_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** `execArgv` with the kiosk's flags added where missing (a flag given another value is kept). */
export function withKioskFlags(execArgv: readonly string[]): string[] {
  const missing = KIOSK_NODE_FLAGS.filter(
    (flag) => !execArgv.some((arg) => arg.split('=')[0] === flag.split('=')[0]),
  );
  return [...execArgv, ...missing];
}

/** The same flags as Electron takes them: one `--js-flags` switch for its V8. */
export function electronJsFlags(): string {
  return `--js-flags=${KIOSK_NODE_FLAGS.join(' ')}`;
}
