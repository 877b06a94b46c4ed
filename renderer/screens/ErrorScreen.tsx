/** A failure in plain words, with its next step, and the way back to the start. */
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
      {view.slipPrinted !== undefined && (
        <p className="lead">
          {t(view.slipPrinted ? 'error.slip.printed' : 'error.slip.notPrinted')}
        </p>
      )}
    </ScreenFrame>
  );
}
