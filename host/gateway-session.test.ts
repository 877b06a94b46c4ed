/**
 * The kiosk's gateway session as the host runs it: 9001 at start with the configured device
 * number and this machine's address, 9002 when the host stops. Against the embedded simulator,
 * whose database is read back after the stop.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { hostAddress } from '../gateway/host-address.ts';
import { KioskHost } from './kiosk-host.ts';

let dataDir: string;
let host: KioskHost | undefined;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-gateway-session-'));
});
afterEach(async () => {
  await host?.stop();
  host = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

interface SignInRow {
  opter: string;
  mac: string;
  ip: string;
  dev_no: string;
  signed_out_at: string;
}

describe("the host's gateway session", () => {
  it('signs in at start with the configured device, and out when it stops', async () => {
    host = await KioskHost.start({
      config: parseConfig({ kioskId: 'KIOSK-07', gateway: { device: { devNo: 'LOBBY-7' } } }),
      dataDir,
      log: () => undefined,
      clock: { now: () => new Date() },
    });
    const store = host.simulators!.gateway.store;
    const signIns = () => store.db.prepare(`SELECT * FROM sign_ins`).all() as SignInRow[];
    await vi.waitFor(() => expect(signIns()).toHaveLength(1), { timeout: 10_000 });
    const own = hostAddress();
    expect(signIns()[0]).toMatchObject({
      opter: 'KIOSK-07',
      dev_no: 'LOBBY-7',
      mac: own.mac,
      ip: own.ip,
      signed_out_at: '',
    });
    await host.stop();
    host = undefined;
    const db = new Database(join(dataDir, 'gateway-simulator.sqlite'), { readonly: true });
    try {
      const rows = db.prepare(`SELECT * FROM sign_ins`).all() as SignInRow[];
      expect(rows).toHaveLength(1);
      expect(rows[0]!.signed_out_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    } finally {
      db.close();
    }
  });
});
