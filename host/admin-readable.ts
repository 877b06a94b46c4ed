/**
 * What admin mode shows, made readable for the staff member at the kiosk: the recent log as
 * lines (local time, level, event, key fields) instead of JSON, the receipt list with its local
 * time and the masked patient, and reconciliation as figures the renderer words in the staff
 * member's language. Nothing here adds personal data: log lines were redacted when written,
 * and names are masked again however the receipt holds them.
 */
import type { ReceiptData } from '../core/domain.ts';
import type { ReceiptRecord, Reconciliation } from '../core/kiosk-api.ts';
import { maskName } from '../core/masking.ts';
import { formatInTimeZone } from '../core/time.ts';
import type { ReconciliationReport } from '../gateway/reconciliation.ts';
import { formatReconciliation } from '../gateway/reconciliation.ts';

/** The contract's bound on one log line. */
const MAX_LINE = 2000;

export type LogLevel = 'ERROR' | 'WARN' | 'INFO';

/**
 * The log has no levels of its own (host/log.ts writes events): an event's name says how
 * much it matters to staff.
 */
export function levelOf(event: string, fields: Record<string, unknown>): LogLevel {
  const level = typeof fields.level === 'string' ? fields.level.toUpperCase() : '';
  if (level === 'ERROR' || level === 'WARN' || level === 'INFO') return level;
  if (/fail|error|crash|tamper|unreadable|in-doubt/.test(event)) return 'ERROR';
  if (
    /refused|locked|denied|deprecated|retry|ignored|timeout|unplugged|paper|unreachable/.test(event)
  )
    return 'WARN';
  return fields.ok === false ? 'WARN' : 'INFO';
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/**
 * One JSON log line as `2026-11-30 14:05:03  INFO  settlement.settled  settlementId=S1 ...`;
 * a line that is not the log's JSON is shown as it is.
 */
export function readableLogLine(line: string, timeZone: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line.slice(0, MAX_LINE);
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return line.slice(0, MAX_LINE);
  const { time, event, level: _level, ...fields } = entry as Record<string, unknown>;
  const at = typeof time === 'string' ? new Date(time) : undefined;
  const when = at && !Number.isNaN(at.getTime()) ? formatInTimeZone(at, timeZone).dateTime : '?';
  const name = typeof event === 'string' ? event : '?';
  const keyFields = Object.entries(fields)
    .map(([key, value]) => `${key}=${fieldText(value)}`)
    .join(' ');
  const text = `${when}  ${levelOf(name, entry as Record<string, unknown>).padEnd(5)}  ${name}${keyFields ? `  ${keyFields}` : ''}`;
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
}

/** A receipt in the admin list: local time and the masked patient, never a full name or ID. */
export function receiptListRow(
  record: { settlementId: string; printedAt: string; total: number; printed: boolean },
  receipt: ReceiptData | undefined,
  timeZone: string,
): ReceiptRecord {
  const at = new Date(record.printedAt);
  return {
    ...record,
    time: Number.isNaN(at.getTime())
      ? record.printedAt.slice(0, 16)
      : formatInTimeZone(at, timeZone).dateTime.slice(0, 16),
    // Masked when the receipt was made; masked again so a full name can never reach the list.
    patient: receipt ? maskName(receipt.patientName).slice(0, 200) : '',
  };
}

const clearings = { '11': 'outpatient', '21': 'inpatient', '99': 'other' } as const;

/** Reconciliation's figures for the renderer to word, and the English report as printed. */
export function reconciliationView(r: ReconciliationReport): Reconciliation {
  return {
    agree: r.agree,
    report: formatReconciliation(r).slice(0, 5000),
    date: r.date,
    kioskId: r.opter,
    ours: r.ours,
    theirs: r.theirs,
    groups: r.groups.slice(0, 50).map((g) => ({
      insuranceType: g.insutype,
      clearing: clearings[g.clrType],
      agree: g.agree,
      ours: g.ours,
      theirs: g.theirs,
      differing: g.detail
        .flatMap((d) =>
          d.verdict === 'agrees' ? [] : [{ settlementId: d.setlId, verdict: d.verdict }],
        )
        .slice(0, 200),
    })),
    openPayments: r.openPayments,
  };
}
