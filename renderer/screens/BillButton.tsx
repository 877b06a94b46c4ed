/** One bill as a tap target: what it is, its amount, and why it cannot be paid when it cannot. */
import type { ReactNode } from 'react';
import type { BillView } from '../../core/kiosk-api.ts';
import { yuan } from '../components.tsx';
import { useT } from '../i18n/translate.ts';

export function BillButton({
  bill,
  label,
  note,
  onSelect,
}: {
  bill: BillView;
  label: ReactNode;
  /** A further reason shown under the label (e.g. a family account may not pay it). */
  note?: string | undefined;
  onSelect: () => void;
}) {
  const t = useT();
  return (
    <button
      type="button"
      // A bill with a reason against it looks blocked (dashed), not only when it is disabled.
      className={note ? 'bill bill-blocked' : 'bill'}
      disabled={bill.beingChecked === true}
      onClick={onSelect}
    >
      <span>
        {label}
        {bill.beingChecked && <span className="bill-note">{t('bills.beingChecked')}</span>}
        {note && <span className="bill-note">{note}</span>}
      </span>
      <span className="bill-total">{yuan(bill.total)}</span>
    </button>
  );
}
