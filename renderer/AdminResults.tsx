/**
 * What admin mode shows, in the staff member's language: the device check worded from its
 * finding codes, reconciliation's figures as a table, the recent log as lines, and the host's
 * refusals in words. The host sends codes and figures; the words are all here.
 */
import type { DeviceCheck, Reconciliation } from '../core/kiosk-api.ts';
import type { Cents } from '../core/money.ts';
import { yuan } from './components.tsx';
import type { Translate } from './i18n/translate.ts';

const gallerySources = ['gateway', 'cache', 'none'] as const;

/** A finding's values as words: the face gallery's source is named in the language shown. */
function findingValues(check: DeviceCheck, t: Translate): Record<string, string> {
  const source = gallerySources.find((s) => s === check.values.source);
  return source ? { ...check.values, source: t(`admin.gallerySource.${source}`) } : check.values;
}

export function DeviceTable({ checks, t }: { checks: DeviceCheck[]; t: Translate }) {
  return (
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
          <tr key={c.device} data-device={c.device}>
            <td>
              {t(`admin.deviceName.${c.device}`)} (
              {c.kind === 'simulated' || c.kind === 'real' ? t(`admin.kind.${c.kind}`) : c.kind})
            </td>
            <td>{t(`admin.deviceStatus.${c.status}`)}</td>
            <td>
              {c.result === 'pass' ? '✓' : '✗'}{' '}
              {t(`admin.finding.${c.finding}`, findingValues(c, t))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReconciliationView({ r, t }: { r: Reconciliation; t: Translate }) {
  const rows = ['total', 'fund', 'account', 'cash', 'count'] as const;
  const figure = (totals: Reconciliation['ours'], row: (typeof rows)[number]) =>
    row === 'count' ? String(totals.count) : yuan(totals[row] as Cents);
  const table = (ours: Reconciliation['ours'], theirs: Reconciliation['theirs']) => (
    <table className="admin-table">
      <thead>
        <tr>
          <th>{t('admin.recon.item')}</th>
          <th>{t('admin.recon.kiosk')}</th>
          <th>{t('admin.recon.gateway')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row} className={ours[row] === theirs[row] ? undefined : 'differs'}>
            <td>
              {t(`admin.recon.${row}`)}
              {ours[row] === theirs[row] ? '' : ' ✗'}
            </td>
            <td>{figure(ours, row)}</td>
            <td>{figure(theirs, row)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <div className="admin-reconciliation">
      <p className="lead">{t('admin.recon.title', { date: r.date, kioskId: r.kioskId })}</p>
      <p className="lead" role="status">
        {r.agree ? t('admin.recon.agrees') : t('admin.recon.differs')}
      </p>
      {table(r.ours, r.theirs)}
      {r.groups.map((g) => (
        <div key={`${g.insuranceType}-${g.clearing}`}>
          <p>
            {t('admin.recon.group', {
              insuranceType: g.insuranceType,
              clearing: t(`admin.recon.clearing.${g.clearing}`),
            })}
            : {g.agree ? t('admin.recon.groupAgrees') : t('admin.recon.groupDiffers')}
          </p>
          {!g.agree && table(g.ours, g.theirs)}
          {g.differing.length > 0 && (
            <ul>
              {g.differing.map((d) => (
                <li key={d.settlementId}>
                  {d.settlementId}: {t(`admin.recon.verdict.${d.verdict}`)}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {r.openPayments > 0 && <p>{t('admin.recon.open', { count: String(r.openPayments) })}</p>}
    </div>
  );
}

export function LogLines({ lines, t }: { lines: string[]; t: Translate }) {
  if (lines.length === 0) return <p>{t('admin.logEmpty')}</p>;
  return (
    <ol className="admin-log">
      {lines.map((line, i) => (
        <li key={i} data-level={/^\S+ \S+\s+(ERROR|WARN|INFO)\b/.exec(line)?.[1]?.toLowerCase()}>
          {line}
        </li>
      ))}
    </ol>
  );
}

/** The host's refusal or failure in words (its messages are English, for the log). */
export function adminErrorText(message: string, t: Translate): string {
  if (/admin mode is required/.test(message)) return t('admin.error.signedOut');
  if (/needs a supervisor/.test(message)) return t('admin.error.needsSupervisor');
  return t('admin.error.failed', { message });
}
