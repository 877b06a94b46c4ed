/**
 * A child for supervisor.process.test.ts, with the kiosk's real heartbeat: FIXTURE_MODE 'hang'
 * sends heartbeats and then locks its event loop in a busy loop, 'exit' exits with status 3,
 * 'as-kiosk' beats as scripts/start.ts does, anything else keeps beating until it is stopped.
 */
import { writeFileSync } from 'node:fs';
import { heartbeatIfSupervised, startHeartbeat } from './supervisor-heartbeat.ts';

const mode = process.env.FIXTURE_MODE;
// 'as-kiosk': started as scripts/start.ts starts it (beats only when told it is supervised).
if (mode === 'as-kiosk') {
  // The Node options it was started with, for the test to read once it runs.
  if (process.env.FIXTURE_EXEC_ARGV_FILE)
    writeFileSync(process.env.FIXTURE_EXEC_ARGV_FILE, JSON.stringify(process.execArgv));
  heartbeatIfSupervised(() => process.exit(0));
} else
  startHeartbeat({
    send: (message) => process.send?.(message, undefined, {}, () => undefined),
    intervalMs: 50,
    onSupervisorGone: () => process.exit(0),
  });
// The heartbeat's own timer does not keep a process alive.
const alive = setInterval(() => undefined, 1000);
process.on('SIGTERM', () => {
  clearInterval(alive);
  process.exit(0);
});
if (mode === 'hang')
  setTimeout(() => {
    for (;;); // what a stuck decode or an endless loop looks like from outside
  }, 150);
if (mode === 'exit') setTimeout(() => process.exit(3), 150);
