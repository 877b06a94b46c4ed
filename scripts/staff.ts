// npm run -s staff -- hash-pin | new-badge ID | verify-audit [--data DIR]
// Staff accounts for the configuration's `staff` section (host/staff-accounts.ts), and the audit
// log's check (host/audit-log.ts). The PIN is read from the terminal without echo (or one line
// of standard input), never from the command line, so it is not left in the shell's history.
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isWeakPin } from '../core/config.ts';
import { systemClock } from '../core/domain.ts';
import { AuditLog } from '../host/audit-log.ts';
import { hashSecret, newBadge, SCRYPT_PARAMS } from '../host/staff-accounts.ts';

const usage = `usage: npm run -s staff -- COMMAND

  hash-pin             read a PIN (6-12 digits; not a run or one digit repeated) and print its
                       pinHash for the configuration's staff section
                       (scrypt N=${SCRYPT_PARAMS.N} r=${SCRYPT_PARAMS.r} p=${SCRYPT_PARAMS.p}, 16-byte salt)
  new-badge ID         make a badge for staff ID: prints the code to print on the card as a QR
                       code and its badgeHash for the configuration (JSON)
  verify-audit         check the admin audit log's hash chain; exits 1 if it is broken
    --data DIR         the kiosk's data folder (default .kiosk-data)`;

/** One line from the terminal with echo off, or from a pipe. Bounded to 100 characters. */
async function readSecret(prompt: string): Promise<string> {
  const tty = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: tty });
  if (tty) {
    process.stderr.write(prompt);
    // Nothing typed is echoed; the prompt itself was written above.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  }
  const line = await new Promise<string>((done) =>
    rl.once('line', done).once('close', () => done('')),
  );
  rl.close();
  if (tty) process.stderr.write('\n');
  return line.trim().slice(0, 100);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        data: { type: 'string', default: '.kiosk-data' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [command, id, ...rest] = args.positionals;
  if (args.values.help) {
    console.log(usage);
    return 0;
  }
  if (command === 'hash-pin' && id === undefined) {
    const pin = await readSecret('PIN: ');
    if (!/^\d{6,12}$/.test(pin)) {
      console.error('a PIN is 6 to 12 digits');
      return 2;
    }
    if (isWeakPin(pin)) {
      console.error('refused: a run like 123456, one digit repeated, or the simulator PIN');
      return 2;
    }
    console.log(hashSecret(pin));
    return 0;
  }
  if (command === 'new-badge' && id !== undefined && rest.length === 0) {
    if (!/^\d{1,12}$/.test(id)) {
      console.error('a staff ID is 1 to 12 digits');
      return 2;
    }
    console.log(JSON.stringify(newBadge(id), null, 2));
    return 0;
  }
  if (command === 'verify-audit' && id === undefined) {
    const file = resolve(args.values.data, 'audit-log.sqlite');
    if (!existsSync(file)) {
      console.error(`no audit log at ${file}`);
      return 2;
    }
    const result = new AuditLog(file, systemClock).verify();
    console.log(JSON.stringify(result));
    return result.ok ? 0 : 1;
  }
  console.error(usage);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
