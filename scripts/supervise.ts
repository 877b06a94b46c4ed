/**
 * node --import tsx scripts/supervise.ts [flags of scripts/start.ts]
 *
 * The same supervisor as `npm start -- --supervised` (host/supervise-kiosk.ts), without loading
 * the kiosk itself in the supervising process (a fraction of the memory): the entry for the
 * systemd service (deploy/systemd/). It runs scripts/start.ts with these flags as its child.
 */
import { fileURLToPath } from 'node:url';
import { createLogger } from '../host/log.ts';
import { childArguments, superviseKiosk } from '../host/supervise-kiosk.ts';

const log = createLogger((line) => process.stderr.write(line + '\n'));
const script = fileURLToPath(new URL('./start.ts', import.meta.url));
const args = await childArguments(process.argv.slice(2));
process.exit(await superviseKiosk({ script, args, log }));
