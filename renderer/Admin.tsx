/**
 * Admin mode for staff: reached by a long press on the top-left corner, then the staff ID and
 * PIN on the keypad, or the staff badge at the scanner. The host checks them (with a lockout per
 * staff ID), refuses every admin call without an open admin session or the role it needs, and
 * audits each one. A bare PIN with no staff ID is the shared admin PIN, where it still works.
 */
import { useEffect, useState } from 'react';
import type {
  AdminLoginResult,
  DeviceCheck,
  KioskApi,
  OpenPayment,
  ReceiptRecord,
  Reconciliation,
  StaffRole,
} from '../core/kiosk-api.ts';
import { adminErrorText, DeviceTable, LogLines, ReconciliationView } from './AdminResults.tsx';
import { BigButton, yuan } from './components.tsx';
import { useT } from './i18n/translate.ts';
import { Keypad } from './Keypad.tsx';

/** Who holds the admin session, as the host said at sign-in. */
export interface SignedIn {
  staffId: string;
  role: StaffRole;
}

export function AdminLogin({
  kiosk,
  onOpen,
  onClose,
}: {
  kiosk: KioskApi;
  onOpen: (who: SignedIn) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  // The PIN is keyed first unless staff tap their ID: the shared PIN needs no ID.
  const [field, setField] = useState<'id' | 'pin'>('pin');
  const [message, setMessage] = useState('');
  const answer = (result: AdminLoginResult) => {
    if (result.ok) onOpen({ staffId: result.staffId, role: result.role });
    else if (result.reason === 'locked')
      setMessage(t('admin.locked', { until: result.lockedUntil.slice(11, 16) }));
    else if (result.reason === 'wrong-pin')
      setMessage(t('admin.wrongPin', { left: String(result.attemptsLeft) }));
    else if (result.reason === 'staff-id-needed') {
      setMessage(t('admin.staffIdNeeded'));
      setField('id');
    }
  };
  // While this dialog is open, a staff badge at the scanner signs its holder in.
  useEffect(() => {
    let open = true;
    void (async () => {
      while (open) {
        const result = await kiosk.adminBadgeLogin().catch(() => undefined);
        if (!result) return;
        // Signed in after the dialog closed: nobody is looking, so close the session again.
        if (!open) return void (result.ok && kiosk.adminExit().catch(() => undefined));
        if (result.ok || result.reason !== 'no-badge') answer(result);
        if (result.ok) return;
      }
    })();
    return () => {
      open = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one badge wait per open dialog
  }, [kiosk]);
  const submit = async () => {
    if (field === 'id') return setField('pin');
    const result = await kiosk.adminLogin(staffId ? { staffId, pin } : pin);
    setPin('');
    answer(result);
  };
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="admin-title">
        <h1 id="admin-title">{t('admin.title')}</h1>
        {message && (
          <p className="lead" role="alert">
            {message}
          </p>
        )}
        <div className="admin-fields">
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={field === 'id'}
            onClick={() => setField('id')}
          >
            {t('admin.staffId')}: {staffId || '—'}
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={field === 'pin'}
            onClick={() => setField('pin')}
          >
            {t('admin.pin')}: {'•'.repeat(pin.length) || '—'}
          </button>
        </div>
        <Keypad
          value={field === 'id' ? staffId : pin}
          onChange={field === 'id' ? setStaffId : setPin}
          onSubmit={() => void submit()}
          maxLength={12}
          submitLabel={t('admin.enter')}
          masked={field === 'pin'}
          label={field === 'id' ? t('admin.staffId') : t('admin.pin')}
        />
        <p>{t('admin.badge')}</p>
        <BigButton kind="secondary" onClick={onClose}>
          {t('common.cancel')}
        </BigButton>
      </div>
    </div>
  );
}

export function AdminPanel({
  kiosk,
  who,
  onClose,
}: {
  kiosk: KioskApi;
  who?: SignedIn | undefined;
  onClose: () => void;
}) {
  const t = useT();
  const [checks, setChecks] = useState<DeviceCheck[]>();
  const [receipts, setReceipts] = useState<ReceiptRecord[]>();
  const [open, setOpen] = useState<OpenPayment[]>();
  // A refund asks once more, naming the settlement and amount, before any money moves.
  const [refunding, setRefunding] = useState<ReceiptRecord>();
  const [text, setText] = useState<string>();
  const [reconciliation, setReconciliation] = useState<Reconciliation>();
  const [logs, setLogs] = useState<string[]>();
  const [error, setError] = useState<string>();
  const run = (work: () => Promise<void>) => () => {
    setError(undefined);
    work().catch((e: unknown) =>
      setError(adminErrorText(e instanceof Error ? e.message : String(e), t)),
    );
  };
  /** One result at a time: the new one replaces whatever was shown. */
  const show = (what: {
    checks?: DeviceCheck[];
    receipts?: ReceiptRecord[];
    open?: OpenPayment[];
    reconciliation?: Reconciliation;
    logs?: string[];
    text?: string;
  }) => {
    setChecks(what.checks);
    setReceipts(what.receipts);
    setOpen(what.open);
    setReconciliation(what.reconciliation);
    setLogs(what.logs);
    setText(what.text);
  };
  const exit = () => {
    void kiosk.adminExit().finally(onClose);
  };
  return (
    <div className="admin" role="dialog" aria-modal="true" aria-labelledby="admin-panel-title">
      <h1 id="admin-panel-title">{t('admin.panel')}</h1>
      {who && (
        <p>{t('admin.signedIn', { staffId: who.staffId, role: t(`admin.role.${who.role}`) })}</p>
      )}
      <div className="admin-actions">
        <BigButton
          onClick={run(async () =>
            show({ checks: await kiosk.adminDiagnostics({ testPrint: false }) }),
          )}
        >
          {t('admin.devices')}
        </BigButton>
        <BigButton
          onClick={run(async () =>
            show({ checks: await kiosk.adminDiagnostics({ testPrint: true }) }),
          )}
        >
          {t('admin.testPrint')}
        </BigButton>
        <BigButton onClick={run(async () => show({ receipts: await kiosk.adminReceipts() }))}>
          {t('admin.receipts')}
        </BigButton>
        <BigButton onClick={run(async () => show({ open: await kiosk.adminOpenPayments() }))}>
          {t('admin.openPayments')}
        </BigButton>
        {/* Reconciliation is a supervisor's; the host refuses (and audits) anyone else. */}
        {who?.role !== 'operator' && (
          <BigButton
            onClick={run(async () => show({ reconciliation: await kiosk.adminReconcile() }))}
          >
            {t('admin.reconcile')}
          </BigButton>
        )}
        <BigButton onClick={run(async () => show({ logs: (await kiosk.adminLogs()).slice(-60) }))}>
          {t('admin.logs')}
        </BigButton>
        <BigButton kind="secondary" onClick={exit}>
          {t('admin.exit')}
        </BigButton>
      </div>
      {error && (
        <p className="lead" role="alert">
          {error}
        </p>
      )}
      {checks && <DeviceTable checks={checks} t={t} />}
      {receipts && (
        <ul className="admin-receipts">
          {receipts.length === 0 && <li>{t('admin.noReceipts')}</li>}
          {receipts.map((r) => (
            <li key={r.settlementId}>
              <span>
                {t('admin.receiptLine', {
                  time: r.time,
                  patient: r.patient || t('admin.patientUnreadable'),
                  settlementId: r.settlementId,
                  amount: yuan(r.total),
                  printed: r.printed ? t('admin.printed') : t('admin.notPrinted'),
                })}
              </span>
              {who?.role !== 'operator' && (
                <BigButton kind="secondary" onClick={() => setRefunding(r)}>
                  {t('admin.refund')}
                </BigButton>
              )}
              <BigButton
                kind="secondary"
                onClick={run(async () => {
                  const out = await kiosk.adminReprint(r.settlementId);
                  show({
                    text: out.printed
                      ? t('admin.reprinted')
                      : t('admin.reprintFailed', { problem: out.problem ?? '' }),
                    receipts: await kiosk.adminReceipts(),
                  });
                })}
              >
                {t('admin.reprint')}
              </BigButton>
            </li>
          ))}
        </ul>
      )}
      {refunding && (
        <div className="admin-confirm" role="alertdialog" aria-labelledby="refund-title">
          <p id="refund-title" className="lead">
            {t('admin.refundConfirm', {
              settlementId: refunding.settlementId,
              amount: yuan(refunding.total),
            })}
          </p>
          <BigButton
            onClick={run(async () => {
              const id = refunding.settlementId;
              setRefunding(undefined);
              const out = await kiosk.adminRefund(id);
              show({
                text: [
                  out.alreadyRefunded
                    ? t('admin.refundAlready')
                    : t('admin.refunded', { amount: yuan(out.cash) }),
                  out.slipPrinted ? t('admin.refundSlip') : t('admin.refundNoSlip'),
                ].join(' '),
                receipts: await kiosk.adminReceipts(),
              });
            })}
          >
            {t('admin.refundYes')}
          </BigButton>
          <BigButton kind="secondary" onClick={() => setRefunding(undefined)}>
            {t('common.cancel')}
          </BigButton>
        </div>
      )}
      {open && (
        <div className="admin-open-payments">
          <p>{open.length === 0 ? t('admin.noOpenPayments') : t('admin.openPaymentsHelp')}</p>
          <ul className="admin-receipts">
            {open.map((p) => (
              <li key={p.reference}>
                <span>
                  {p.reference} · {p.billId} · {p.since.slice(0, 16).replace('T', ' ')} ·{' '}
                  {yuan(p.total)} ({t('admin.cashPart')} {yuan(p.cash)}) · {p.settleState}/
                  {p.cashState}
                  {p.problem ? ` · ${p.problem}` : ''}
                </span>
              </li>
            ))}
          </ul>
          <BigButton
            kind="secondary"
            onClick={run(async () => show({ open: await kiosk.adminCheckPayments() }))}
          >
            {t('admin.checkPayments')}
          </BigButton>
        </div>
      )}
      {reconciliation && <ReconciliationView r={reconciliation} t={t} />}
      {logs && <LogLines lines={logs} t={t} />}
      {text && <pre className="admin-text">{text}</pre>}
    </div>
  );
}
