/**
 * Admin mode for hospital staff: each member signs in with their staff id and PIN, or their
 * badge at the scanner (host/staff-accounts.ts), behind the PIN gate (core/admin-lock.ts: attempts
 * and lockout per staff id, kept in the injected stores, on disk in a kiosk:
 * pin-lock-store.ts). Then, as their role allows: live device checks and test prints, receipts
 * and reprints, the recent (redacted) log (operator), and end-of-day reconciliation
 * (supervisor). Every call other than login is refused unless an admin session is open, and
 * every sign-in, refusal and action goes to the audit log (audit-log.ts). The methods are named
 * as the KioskApi contract names them, so the host serves them as they are.
 */
import { AdminLock, memoryPinLockStore, type PinLockStore } from '../core/admin-lock.ts';
import type { Clock, ReceiptData, RefundSlipData } from '../core/domain.ts';
import { staffRefund } from './staff-refund.ts';
import type { Cents } from '../core/money.ts';
import {
  KioskCallError,
  type AdminLoginResult,
  type DeviceCheck,
  type OpenPayment,
  type ReceiptRecord,
  type Reconciliation,
  type StaffRole,
} from '../core/kiosk-api.ts';
import type { LogFn, ReceiptPort } from '../core/ports.ts';
import { formatInTimeZone } from '../core/time.ts';
import type { PaymentCoordinator } from '../gateway/payments.ts';
import type { KioskDevices } from '../hardware/device-factory.ts';
import type { LogRing } from './log.ts';
import { deviceChecks, type DeviceCheckParts } from './admin-device-check.ts';
import { readableLogLine, receiptListRow, reconciliationView } from './admin-readable.ts';
import { ReceiptStoreError } from './receipt-store.ts';
import type { AuditAction, AuditLog, AuditOutcome } from './audit-log.ts';
import type { ReceiptStore } from './receipt-store.ts';
import { parseBadge, StaffDirectory, type StaffMember } from './staff-accounts.ts';
import type { PinGate } from './pin-lock-store.ts';

/** The least role each admin action needs. */
const NEEDS: Record<Exclude<AuditAction, 'login' | 'login-failed' | 'logout'>, StaffRole> = {
  diagnostics: 'operator',
  'test-print': 'operator',
  receipts: 'operator',
  reprint: 'operator',
  logs: 'operator',
  reconciliation: 'supervisor',
  'open-payments': 'operator',
  // Only asks the gateway and finishes what it says, as background recovery would: safe.
  'check-payments': 'operator',
  // Money goes back: a supervisor's (an operator's attempt is refused and audited).
  refund: 'supervisor',
};
const RANK: Record<StaffRole, number> = { operator: 0, supervisor: 1 };

/** Who the one shared admin PIN signs in as. */
export const SHARED_PIN_ID = 'shared-pin';

export interface AdminServiceOptions {
  /**
   * The one shared admin PIN where it still signs in (as a supervisor): always in simulator
   * mode; in production only while no staff accounts are configured, and then `deprecated`.
   */
  sharedPin?: { pin: string; deprecated: boolean };
  /** Staff accounts (default: none). */
  staff?: StaffDirectory;
  /** Where wrong shared PINs and their lockout are kept, so a restart does not clear them. */
  lockStore: PinLockStore;
  /** The same for each staff id (default: in memory). */
  lockStoreFor?: (gate: PinGate) => PinLockStore;
  audit: AuditLog;
  /** How long a badge sign-in waits for a badge at the scanner (default 20 s). */
  badgeWaitMs?: number;
  clock: Clock;
  log: LogFn;
  logRing: LogRing;
  devices: KioskDevices;
  payments: PaymentCoordinator;
  receipts: ReceiptStore;
  printer: ReceiptPort & {
    printRefundSlip(slip: RefundSlipData): Promise<{ printed: boolean; problem?: string }>;
  };
  kioskId: string;
  timeZone: string;
  /** The face engine and the gallery it identifies by (see face/gallery-sync.ts). */
  face?: DeviceCheckParts['face'];
  /** The gateway as last probed (host/service-health.ts), for the device check. */
  gateway?: DeviceCheckParts['gateway'];
  /** Background recovery, for "check payments now" (host/payment-upkeep.ts). */
  upkeep?: { runNow(): Promise<void> };
}

export class AdminService {
  private readonly gate: AdminLock;
  private readonly staff: StaffDirectory;
  private readonly stores = new Map<PinGate, PinLockStore>();
  /** Who holds the open admin session. */
  private who: StaffMember | undefined;
  private badgeWaiters: Array<(code: string | undefined) => void> = [];

  constructor(private readonly o: AdminServiceOptions) {
    this.gate = new AdminLock({
      ...(o.sharedPin ? { pin: o.sharedPin.pin } : {}),
      clock: o.clock,
      store: o.lockStore,
    });
    this.staff = o.staff ?? new StaffDirectory([]);
  }

  /** A staff id and PIN; or a bare PIN, the shared admin PIN, where it still signs in. */
  adminLogin(credentials: string | { staffId: string; pin: string }): AdminLoginResult {
    if (typeof credentials === 'string') return this.sharedLogin(credentials);
    const { staffId, pin } = credentials;
    return this.staffLogin(staffId, () => this.staff.checkPin(staffId, pin));
  }

  /** Waits for a staff badge at the scanner (bounded), then signs its holder in. */
  adminBadgeLogin(): Promise<AdminLoginResult> {
    return new Promise((resolve) => {
      const waiter = (code: string | undefined) => {
        clearTimeout(timer);
        resolve(code === undefined ? { ok: false, reason: 'no-badge' } : this.badgeLogin(code));
      };
      const timer = setTimeout(() => {
        this.badgeWaiters = this.badgeWaiters.filter((w) => w !== waiter);
        resolve({ ok: false, reason: 'no-badge' });
      }, this.o.badgeWaitMs ?? 20_000);
      timer.unref?.();
      // A few windows at most wait at once; the oldest is told to ask again.
      if (this.badgeWaiters.length >= 4) this.badgeWaiters.shift()?.(undefined);
      this.badgeWaiters.push(waiter);
    });
  }

  /**
   * A staff badge read by the scanner (the host routes `STAFF:` codes here, never to the
   * patient's session): it signs in whoever is waiting at the admin sign-in, else is ignored.
   */
  badgeScanned(code: string): void {
    const waiters = this.badgeWaiters.splice(0);
    if (waiters.length === 0) {
      this.o.log('staff.badge-ignored', {});
      return;
    }
    waiters[0]!(code);
    for (const w of waiters.slice(1)) w(undefined);
  }

  adminExit(): void {
    const who = this.who;
    this.gate.logout();
    this.who = undefined;
    this.o.log('admin.exit', {});
    if (who) this.audit(who, 'logout', 'ok');
  }

  private sharedLogin(pin: string): AdminLoginResult {
    const shared = this.o.sharedPin;
    const member: StaffMember = { id: SHARED_PIN_ID, role: 'supervisor' };
    if (!shared) {
      // Staff accounts replace the shared PIN here: nothing to guess, so no attempt is spent.
      this.o.log('admin.login', { ok: false, reason: 'staff-id-needed' });
      this.audit(member, 'login-failed', 'refused');
      return { ok: false, reason: 'staff-id-needed' };
    }
    if (shared.deprecated) this.o.log('admin.shared-pin-deprecated', {});
    return this.finishLogin(member, this.gate.login(pin));
  }

  private badgeLogin(code: string): AdminLoginResult {
    const badge = parseBadge(code);
    const staffId = badge?.staffId ?? '?';
    return this.staffLogin(staffId, () =>
      badge ? this.staff.checkBadgeToken(badge.staffId, badge.token) : undefined,
    );
  }

  /** One attempt counted against the staff id (ids nobody has share one count). */
  private staffLogin(staffId: string, check: () => StaffMember | undefined): AdminLoginResult {
    const known = this.staff.has(staffId);
    let member: StaffMember | undefined;
    const result = this.gate.attempt(
      () => (member = check()) !== undefined,
      this.storeFor(`staff-id:${known ? staffId : '?'}`),
    );
    return this.finishLogin(
      member ?? { id: known ? staffId : '?', role: this.staff.roleOf(staffId) ?? 'operator' },
      result,
      known,
    );
  }

  private finishLogin(
    member: StaffMember,
    result: ReturnType<AdminLock['attempt']>,
    known = true,
  ): AdminLoginResult {
    this.o.log('admin.login', {
      ok: result.ok,
      staffId: member.id,
      ...(result.ok ? {} : { reason: result.reason }),
    });
    if (!result.ok) {
      const role = known ? member.role : '';
      const outcome: AuditOutcome =
        result.reason === 'locked' ? 'locked' : known ? 'wrong-secret' : 'unknown-staff';
      this.audit({ id: member.id, role }, 'login-failed', outcome);
      return result;
    }
    this.who = member;
    this.audit(member, 'login', 'ok');
    return { ok: true, staffId: member.id, role: member.role };
  }

  private storeFor(gate: PinGate): PinLockStore {
    let store = this.stores.get(gate);
    if (!store) {
      store = this.o.lockStoreFor?.(gate) ?? memoryPinLockStore();
      this.stores.set(gate, store);
    }
    return store;
  }

  private audit(
    who: { id: string; role: StaffRole | '' },
    action: AuditAction,
    outcome: AuditOutcome,
    target = '',
  ): void {
    this.o.audit.append({ staffId: who.id, role: who.role, action, target, outcome });
  }

  /** An open session whose holder's role allows `action`, audited either way. */
  private require(action: keyof typeof NEEDS, target = ''): void {
    const who = this.who;
    if (!this.gate.touch() || !who)
      throw new KioskCallError(`admin mode is required for ${action}`);
    if (RANK[who.role] < RANK[NEEDS[action]]) {
      this.audit(who, action, 'refused', target);
      this.o.log('admin.refused', { what: action, staffId: who.id });
      throw new KioskCallError(`${action} needs a ${NEEDS[action]}`);
    }
    this.audit(who, action, 'ok', target);
    this.o.log('admin.action', { what: action, staffId: who.id });
  }

  async adminDiagnostics({ testPrint }: { testPrint: boolean }): Promise<DeviceCheck[]> {
    this.require(testPrint ? 'test-print' : 'diagnostics');
    return deviceChecks(this.o, { testPrint });
  }

  async adminReconcile(): Promise<Reconciliation> {
    this.require('reconciliation');
    const today = formatInTimeZone(this.o.clock.now(), this.o.timeZone).date;
    return reconciliationView(await this.o.payments.reconcile(today, this.o.kioskId));
  }

  /** The latest receipts with their local time and masked patient. */
  adminReceipts(): ReceiptRecord[] {
    this.require('receipts');
    return this.o.receipts.recent(20).map((record) => {
      let receipt: ReceiptData | undefined;
      try {
        receipt = this.o.receipts.get(record.settlementId);
      } catch (error) {
        // A row that does not open still lists (its patient left blank), so it can be found.
        if (!(error instanceof ReceiptStoreError)) throw error;
      }
      return receiptListRow(record, receipt, this.o.timeZone);
    });
  }

  async adminReprint(settlementId: string): Promise<{ printed: boolean; problem?: string }> {
    this.require('reprint', settlementId);
    const receipt = this.o.receipts.get(settlementId);
    if (!receipt) throw new KioskCallError('no receipt with that settlement id');
    // Marked as a copy on the paper; the record keeps the original as it was.
    const outcome = await this.o.printer.print({
      ...receipt,
      printedAt: this.o.clock.now().toISOString(),
      copy: true,
    });
    this.o.receipts.record(receipt, outcome.printed, outcome.problem ?? '');
    return outcome.problem === undefined ? { printed: outcome.printed } : outcome;
  }

  adminOpenPayments(): OpenPayment[] {
    this.require('open-payments');
    return this.openPayments();
  }

  async adminCheckPayments(): Promise<OpenPayment[]> {
    this.require('check-payments');
    await this.o.upkeep?.runNow();
    return this.openPayments();
  }

  private openPayments(): OpenPayment[] {
    return this.o.payments.openPayments().slice(0, 200);
  }

  async adminRefund(settlementId: string): Promise<{
    refunded: boolean;
    alreadyRefunded: boolean;
    cash: Cents;
    slipPrinted: boolean;
  }> {
    this.require('refund', settlementId);
    return staffRefund(this.o, settlementId, this.who?.id ?? '');
  }

  /** The recent log as readable lines (local time, level, event, fields), newest last. */
  adminLogs(): string[] {
    this.require('logs');
    return this.o.logRing
      .lines()
      .slice(-500)
      .map((line) => readableLogLine(line, this.o.timeZone));
  }
}
