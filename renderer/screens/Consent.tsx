/** Asks before the face is processed, and says what else works without it. */
import { BigButton, ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function Consent({ kiosk }: ScreenProps<'consent'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('consent.title')}
      actions={
        <>
          <BigButton onClick={act(() => kiosk.answerConsent(true))}>{t('consent.agree')}</BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.answerConsent(false))}>
            {t('consent.decline')}
          </BigButton>
        </>
      }
    >
      <p className="lead">{t('consent.body')}</p>
      <p className="note">{t('consent.other')}</p>
    </ScreenFrame>
  );
}
