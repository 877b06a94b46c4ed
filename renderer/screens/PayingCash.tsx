/** The cash part by phone: a QR to scan, valid until the time shown. */
import { BigButton, QrImage, yuan } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function PayingCash({ kiosk, view }: ScreenProps<'paying-cash'>) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('pay.title', { amount: yuan(view.amount) })}</h1>
      <figure className="ereceipt">
        <QrImage text={view.codeUrl} label={t('pay.qr')} />
      </figure>
      <p className="lead" role="status">
        {t('pay.waiting', { time: view.expiresAt.slice(11, 16) })}
      </p>
      <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}
