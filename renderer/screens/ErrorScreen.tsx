/**
 * A failure in plain words, with its next step, and the way back to the start; when the face
 * cannot work, that the e-voucher QR still does.
 */
import { faceUnavailableErrors } from '../../core/errors.ts';
import { BigButton, ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function ErrorScreen({ kiosk, view }: ScreenProps<'error'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('error.title')}
      actions={<BigButton onClick={act(() => kiosk.finish())}>{t('common.home')}</BigButton>}
    >
      <p className="lead" role="alert">
        {t(`error.${view.error}`)}
      </p>
      {faceUnavailableErrors.includes(view.error) && (
        <p className="lead">{t('error.qrStillWorks')}</p>
      )}
      {view.slipPrinted !== undefined && (
        <p className="lead">
          {t(view.slipPrinted ? 'error.slip.printed' : 'error.slip.notPrinted')}
        </p>
      )}
    </ScreenFrame>
  );
}
