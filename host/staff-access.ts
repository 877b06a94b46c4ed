/**
 * Who may sign in to admin mode on this kiosk, from the configuration: the staff accounts, the
 * shared admin PIN where it still works, the lockout stores and the audit log, all in the data
 * folder. The shared PIN (`adminPin`) signs in as a supervisor named `shared-pin`: always in
 * simulator mode (the tests and the README use 246810); in production only while no `staff`
 * accounts are configured, with a deprecation warning at start and at each use; once staff
 * accounts exist, a bare PIN is refused and every action has a name. `adminPin` stays required
 * in production: it is also the staff confirmation for binding a minor by documents.
 */
import { join } from 'node:path';
import { adminPinOf, type KioskConfig } from '../core/config.ts';
import type { Clock } from '../core/domain.ts';
import type { LogFn } from '../core/ports.ts';
import type { AdminServiceOptions } from './admin.ts';
import { AuditLog } from './audit-log.ts';
import { pinLockStore } from './pin-lock-store.ts';
import { StaffDirectory } from './staff-accounts.ts';

export function staffAccessFrom(
  config: KioskConfig,
  dataDir: string,
  clock: Clock,
  log: LogFn,
): Pick<AdminServiceOptions, 'sharedPin' | 'staff' | 'lockStore' | 'lockStoreFor' | 'audit'> {
  const staff = new StaffDirectory(config.staff);
  const simulator = config.mode === 'simulator';
  const deprecated = !simulator && staff.size === 0;
  if (deprecated) log('admin.shared-pin-deprecated', { staffAccounts: 0 });
  log('admin.staff-accounts', { count: staff.size, sharedPin: simulator || deprecated });
  return {
    ...(simulator || deprecated ? { sharedPin: { pin: adminPinOf(config), deprecated } } : {}),
    staff,
    lockStore: pinLockStore(dataDir, 'admin'),
    lockStoreFor: (gate) => pinLockStore(dataDir, gate),
    // Each row's sequence number and hash also go to the log, which leaves the kiosk: a tail
    // cut off the table still shows there (audit-log.ts).
    audit: new AuditLog(join(dataDir, 'audit-log.sqlite'), clock, (entry) =>
      log('audit.appended', { seq: entry.seq, hash: entry.hash.slice(0, 16) }),
    ),
  };
}
