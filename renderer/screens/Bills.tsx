/** The patient's unpaid bills, one tap each, with the family part below. */
import { BillButton } from './BillButton.tsx';
import { BigButton, ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { FamilySection } from './Family.tsx';
import { act, type ScreenProps } from './screen-props.ts';

export function Bills({ kiosk, view }: ScreenProps<'bills'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('bills.title', { name: view.patient.maskedName })}
      className="list-screen"
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
          {t('common.back')}
        </BigButton>
      }
    >
      {view.bills.length === 0 && <p className="lead">{t('bills.none')}</p>}
      <ul className="bills">
        {view.bills.map((bill) => (
          <li key={bill.id}>
            <BillButton
              bill={bill}
              label={t('bills.item', {
                visit: t(`visit.${bill.visitType}`),
                department: bill.department,
                date: bill.createdAt.slice(0, 10),
              })}
              onSelect={act(() => kiosk.selectBill(bill.id))}
            />
          </li>
        ))}
      </ul>
      <FamilySection kiosk={kiosk} view={view} />
    </ScreenFrame>
  );
}
