/** How to pay the cash part: each method the patient can pick (credit only when offered). */
import { Fragment } from 'react';
import { chosenCashMethods } from '../../core/vocabulary.ts';
import { AmountToPay, BigButton, ScreenFrame, yuan } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function ChooseCash({ kiosk, view }: ScreenProps<'choose-cash'>) {
  const t = useT();
  const { credit } = view;
  return (
    <ScreenFrame
      title={t('cash.title', { amount: yuan(view.cash) })}
      actions={
        <>
          {chosenCashMethods.map((method) => {
            if (method === 'credit' && !credit) return null;
            return (
              <Fragment key={method}>
                <BigButton onClick={act(() => kiosk.chooseCashMethod(method))}>
                  {t(`cash.${method}`)}
                </BigButton>
                {method === 'credit' && credit && (
                  <p className="note">
                    {t('cash.creditNote', {
                      available: yuan(credit.available),
                      date: credit.repayDate,
                    })}
                  </p>
                )}
              </Fragment>
            );
          })}
          <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
            {t('common.cancel')}
          </BigButton>
        </>
      }
    >
      <AmountToPay cents={view.cash} label={t('review.youPay')} />
      <p className="note">{t('cash.walletNote')}</p>
    </ScreenFrame>
  );
}
