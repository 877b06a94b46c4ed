/**
 * Staff accounts for admin mode: each member an id, a role, and a PIN and/or a badge token kept
 * only as a slow hash. The hash is scrypt (node:crypto) with a random 16-byte salt per secret and
 * N=2^14, r=8, p=1 (16 MiB, about 40 ms a check here), written `scrypt$N$r$p$salt$key` so stronger
 * parameters can be rolled out without breaking stored hashes. A badge is a QR code
 * `STAFF:<id>:<token>` printed on the staff card and read by the kiosk's scanner; only the
 * token's hash is in the configuration, so a copied configuration file opens nothing.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { SECRET_HASH, type KioskConfig } from '../core/config.ts';
import type { StaffRole } from '../core/kiosk-api.ts';

/** The cost of a new hash: stated here, stored with every hash. */
export const SCRYPT_PARAMS = { N: 2 ** 14, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024;

/** What a badge's QR code says. */
export const BADGE_PREFIX = 'STAFF:';
const BADGE = /^STAFF:(\d{1,12}):([A-Za-z0-9_-]{16,64})$/;

/** A code from the scanner that is a staff badge (well formed or not): never the patient's. */
export function isStaffBadge(code: string): boolean {
  return code.startsWith(BADGE_PREFIX);
}

export function parseBadge(code: string): { staffId: string; token: string } | undefined {
  const m = BADGE.exec(code);
  return m ? { staffId: m[1]!, token: m[2]! } : undefined;
}

/** A PIN or badge token as the configuration stores it. */
export function hashSecret(secret: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const { N, r, p } = SCRYPT_PARAMS;
  const key = scryptSync(secret, salt, KEY_BYTES, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether `secret` is the one `stored` was made from. Parameters come from the configuration
 * file, so they are bounded: a hash asking for gigabytes of memory or minutes of work is
 * refused, not computed.
 */
export function verifySecret(secret: string, stored: string): boolean {
  if (!SECRET_HASH.test(stored)) return false;
  const [, n, r, p, salt, key] = stored.split('$');
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (N < 2 ** 10 || (N & (N - 1)) !== 0) return false;
  if (R < 1 || R > 16 || P < 1 || P > 4) return false;
  // scrypt needs 128 * N * r bytes: at most 64 MiB, four times the default.
  if (128 * N * R > MAX_SCRYPT_MEMORY) return false;
  const expected = Buffer.from(key!, 'base64');
  const actual = scryptSync(secret, Buffer.from(salt!, 'base64'), expected.length, {
    N,
    r: R,
    p: P,
    maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

/** A new badge for `staffId`: the code to print on the card, and the hash for the configuration. */
export function newBadge(
  staffId: string,
  random: (n: number) => Buffer = randomBytes,
): { code: string; badgeHash: string } {
  const token = random(24).toString('base64url');
  return { code: `${BADGE_PREFIX}${staffId}:${token}`, badgeHash: hashSecret(token) };
}

export interface StaffMember {
  id: string;
  role: StaffRole;
}

/** A hash of nothing anyone holds: an unknown id costs as long as a known one. Made on first use. */
let decoy: string | undefined;
const decoyHash = () => (decoy ??= hashSecret(randomBytes(16).toString('hex')));

/** The configured staff, checked by id: a PIN, or a badge's token. */
export class StaffDirectory {
  private readonly byId: Map<string, KioskConfig['staff'][number]>;

  constructor(staff: KioskConfig['staff']) {
    this.byId = new Map(staff.map((s) => [s.id, s]));
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  roleOf(id: string): StaffRole | undefined {
    return this.byId.get(id)?.role;
  }

  checkPin(id: string, pin: string): StaffMember | undefined {
    return this.check(id, pin, 'pinHash');
  }

  checkBadgeToken(id: string, token: string): StaffMember | undefined {
    return this.check(id, token, 'badgeHash');
  }

  private check(
    id: string,
    secret: string,
    kind: 'pinHash' | 'badgeHash',
  ): StaffMember | undefined {
    const member = this.byId.get(id);
    const stored = member?.[kind];
    const ok = verifySecret(secret, stored ?? decoyHash());
    return member && stored && ok ? { id: member.id, role: member.role } : undefined;
  }
}
