/**
 * Admin mode for staff: reached by a long press on the top-left corner, then the PIN. The host
 * checks the PIN (with lockout) and refuses every admin call without an open admin session.
 */
import { useState } from 'react';
import type { DeviceCheck, KioskApi, ReceiptRecord } from '../core/kiosk-api.ts';
import { BigButton, yuan } from './components.tsx';
import { useT } from './i18n/translate.ts';
import { Keypad } from './Keypad.tsx';

export function AdminLogin({
  kiosk,
  onOpen,
  onClose,
}: {
  kiosk: KioskApi;
  onOpen: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState('');
  const submit = async () => {
    const result = await kiosk.adminLogin(pin);
    setPin('');
    if (result.ok) onOpen();
    else if (result.reason === 'locked')
      setMessage(t('admin.locked', { until: result.lockedUntil.slice(11, 16) }));
    else setMessage(t('admin.wrongPin', { left: String(result.attemptsLeft) }));
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
        <Keypad
          value={pin}
          onChange={setPin}
          onSubmit={() => void submit()}
          maxLength={12}
          submitLabel={t('admin.enter')}
          masked
          label={t('admin.pin')}
        />
        <BigButton kind="secondary" onClick={onClose}>
          {t('common.cancel')}
        </BigButton>
      </div>
    </div>
  );
}

export function AdminPanel({ kiosk, onClose }: { kiosk: KioskApi; onClose: () => void }) {
  const t = useT();
  const [checks, setChecks] = useState<DeviceCheck[]>();
  const [receipts, setReceipts] = useState<ReceiptRecord[]>();
  const [text, setText] = useState<string>();
  const [error, setError] = useState<string>();
  const run = (work: () => Promise<void>) => () => {
    setError(undefined);
    work().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const exit = () => {
    void kiosk.adminExit().finally(onClose);
  };
  return (
    <div className="admin" role="dialog" aria-modal="true" aria-labelledby="admin-panel-title">
      <h1 id="admin-panel-title">{t('admin.panel')}</h1>
      <div className="admin-actions">
        <BigButton
          onClick={run(async () => setChecks(await kiosk.adminDiagnostics({ testPrint: false })))}
        >
          {t('admin.devices')}
        </BigButton>
        <BigButton
          onClick={run(async () => setChecks(await kiosk.adminDiagnostics({ testPrint: true })))}
        >
          {t('admin.testPrint')}
        </BigButton>
        <BigButton onClick={run(async () => setReceipts(await kiosk.adminReceipts()))}>
          {t('admin.receipts')}
        </BigButton>
        <BigButton onClick={run(async () => setText((await kiosk.adminReconcile()).report))}>
          {t('admin.reconcile')}
        </BigButton>
        <BigButton
          onClick={run(async () => setText((await kiosk.adminLogs()).slice(-60).join('\n')))}
        >
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
      {checks && (
        <table className="admin-table">
          <thead>
            <tr>
              <th>{t('admin.device')}</th>
              <th>{t('admin.status')}</th>
              <th>{t('admin.result')}</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((c) => (
              <tr key={c.device}>
                <td>
                  {c.device} ({c.kind})
                </td>
                <td>{c.status}</td>
                <td>
                  {c.result === 'pass' ? '✓' : '✗'} {c.detail}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {receipts && (
        <ul className="admin-receipts">
          {receipts.length === 0 && <li>{t('admin.noReceipts')}</li>}
          {receipts.map((r) => (
            <li key={r.settlementId}>
              <span>
                {r.settlementId} · {yuan(r.total)} ·{' '}
                {r.printed ? t('admin.printed') : t('admin.notPrinted')}
              </span>
              <BigButton
                kind="secondary"
                onClick={run(async () => {
                  const out = await kiosk.adminReprint(r.settlementId);
                  setText(
                    out.printed
                      ? t('admin.reprinted')
                      : t('admin.reprintFailed', { problem: out.problem ?? '' }),
                  );
                  setReceipts(await kiosk.adminReceipts());
                })}
              >
                {t('admin.reprint')}
              </BigButton>
            </li>
          ))}
        </ul>
      )}
      {text && <pre className="admin-text">{text}</pre>}
    </div>
  );
}
