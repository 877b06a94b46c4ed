/**
 * Nobody matched (or several faces, no face, a failed liveness check): nothing was charged. The
 * other ways in are said plainly: the e-voucher QR at the scanner (the session takes it on this
 * screen as at the start), or the ID number with a face check; or try again, or go back.
 */
import { BigButton, ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function NotRecognised({ kiosk }: ScreenProps<'not-recognised'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('notRecognised.title')}
      actions={
        <>
          <BigButton onClick={act(() => kiosk.payWithFace())}>{t('notRecognised.retry')}</BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.payWithIdNumber())}>
            {t('notRecognised.payWithId')}
          </BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.finish())}>
            {t('common.home')}
          </BigButton>
        </>
      }
    >
      <p className="lead">{t('notRecognised.body')}</p>
      <ul className="other-ways">
        <li>{t('notRecognised.qr')}</li>
        <li>{t('notRecognised.id')}</li>
      </ul>
      <p className="note">{t('notRecognised.staff')}</p>
    </ScreenFrame>
  );
}
