/** Nobody matched: nothing was charged; try again or go back. */
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
          <BigButton kind="secondary" onClick={act(() => kiosk.finish())}>
            {t('common.home')}
          </BigButton>
        </>
      }
    >
      <p className="lead">{t('notRecognised.body')}</p>
    </ScreenFrame>
  );
}
