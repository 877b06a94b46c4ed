/**
 * PIN and badge hashes: scrypt with a salt of their own, checked only with bounded parameters;
 * badge codes parsed strictly; the directory answers by id and role.
 */
import { expect, it } from 'vitest';
import { SECRET_HASH } from '../core/config.ts';
import {
  hashSecret,
  isStaffBadge,
  newBadge,
  parseBadge,
  SCRYPT_PARAMS,
  StaffDirectory,
  verifySecret,
} from './staff-accounts.ts';

it('a PIN hash has its own salt and the stated parameters, and checks only the same PIN', () => {
  const a = hashSecret('480263');
  const b = hashSecret('480263');
  expect(a).not.toBe(b);
  expect(a).toMatch(SECRET_HASH);
  expect(a.startsWith(`scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`)).toBe(
    true,
  );
  expect(verifySecret('480263', a)).toBe(true);
  expect(verifySecret('480264', a)).toBe(false);
  expect(verifySecret('480263', 'not a hash')).toBe(false);
});

it('parameters from a file are bounded: a costly or malformed hash is refused, not computed', () => {
  const [, , , , salt, key] = hashSecret('480263').split('$');
  for (const [n, r, p] of [
    [2 ** 20, 8, 1], // 1 GiB
    [2 ** 14, 32, 1],
    [2 ** 14, 8, 9],
    [1000, 8, 1], // not a power of two
    [2 ** 8, 8, 1], // too cheap
  ])
    expect(verifySecret('480263', `scrypt$${n}$${r}$${p}$${salt}$${key}`)).toBe(false);
});

it('a badge is STAFF:<id>:<token>; its code checks against its hash, and only the token is hashed', () => {
  const badge = newBadge('1002', (n) => Buffer.alloc(n, 7));
  expect(badge.code).toBe(`STAFF:1002:${Buffer.alloc(24, 7).toString('base64url')}`);
  const parsed = parseBadge(badge.code)!;
  expect(parsed.staffId).toBe('1002');
  expect(verifySecret(parsed.token, badge.badgeHash)).toBe(true);
  expect(isStaffBadge('STAFF:junk')).toBe(true);
  expect(parseBadge('STAFF:junk')).toBeUndefined();
  expect(parseBadge('STAFF:1002:short')).toBeUndefined();
  expect(parseBadge(`STAFF:1002:${'a'.repeat(65)}`)).toBeUndefined();
  expect(isStaffBadge('42400000000000000000800110000')).toBe(false);
});

it('the directory checks by id: a PIN for one member does not open another', () => {
  const staff = new StaffDirectory([
    { id: '1001', role: 'operator', pinHash: hashSecret('480263') },
    { id: '1002', role: 'supervisor', badgeHash: hashSecret('badge-token-0123456789') },
  ]);
  expect(staff.checkPin('1001', '480263')).toEqual({ id: '1001', role: 'operator' });
  expect(staff.checkPin('1002', '480263')).toBeUndefined(); // no PIN at all
  expect(staff.checkPin('9999', '480263')).toBeUndefined();
  expect(staff.checkBadgeToken('1002', 'badge-token-0123456789')).toEqual({
    id: '1002',
    role: 'supervisor',
  });
  expect(staff.checkBadgeToken('1001', 'badge-token-0123456789')).toBeUndefined();
  expect(staff.size).toBe(2);
});
