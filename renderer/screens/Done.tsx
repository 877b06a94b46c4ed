/** Paid: the amounts, the receipt (or the e-receipt QR), and back to the start. */
import { useEffect } from 'react';
import { BigButton, QrImage, ScreenFrame, yuan } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

/** The done screen returns to the start by itself after this long; the patient can tap Finish sooner. */
const DONE_RETURN_MS = 30_000;

export function Done({ kiosk, view }: ScreenProps<'done'>) {
  const t = useT();
  useEffect(() => {
    const timer = setTimeout(
      act(() => kiosk.finish()),
      DONE_RETURN_MS,
    );
    return () => clearTimeout(timer);
  }, [kiosk]);
  const s = view.split;
  const d = view.deposits;
  return (
    <ScreenFrame
      title={t('done.title')}
      actions={<BigButton onClick={act(() => kiosk.finish())}>{t('done.finish')}</BigButton>}
    >
      <p className="lead">
        {t('done.paid', {
          amount: yuan(s.total),
          fund: yuan(s.fund),
          account: yuan(s.account + s.mutualAid),
          cash: yuan(d ? d.due : s.cash),
        })}
      </p>
      {d && (
        <p className="lead done-deposits">
          {t('done.deposits', { total: yuan(d.total), cash: yuan(s.cash) })}{' '}
          {d.refund > 0
            ? t('done.depositsRefund', { amount: yuan(d.refund) })
            : d.due > 0
              ? t('done.depositsDue', { amount: yuan(d.due) })
              : ''}
        </p>
      )}
      {view.method === 'credit' && view.repayDate && (
        <p className="lead">{t('done.credit', { date: view.repayDate })}</p>
      )}
      <p className="lead">
        {view.receipt === 'printed' ? t('done.printed') : t('done.notPrinted')}
      </p>
      <figure className="ereceipt">
        <QrImage text={view.eReceiptUrl} label={t('done.eReceipt')} />
        <figcaption>{t('done.eReceipt')}</figcaption>
      </figure>
    </ScreenFrame>
  );
}
