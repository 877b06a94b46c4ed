/** The cash part by phone: a QR to scan, valid until the time shown. */
import { BigButton, QrImage, ScreenFrame, yuan } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function PayingCash({ kiosk, view }: ScreenProps<'paying-cash'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('pay.title', { amount: yuan(view.amount) })}
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
          {t('common.cancel')}
        </BigButton>
      }
    >
      <figure className="ereceipt">
        <QrImage text={view.codeUrl} label={t('pay.qr')} />
      </figure>
      <p className="lead" role="status">
        {t('pay.waiting', { time: view.expiresAt.slice(11, 16) })}
      </p>
    </ScreenFrame>
  );
}
