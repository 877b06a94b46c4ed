/** Asks before the face is processed, and says what else works without it. */
import { BigButton } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function Consent({ kiosk }: ScreenProps<'consent'>) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('consent.title')}</h1>
      <p className="lead">{t('consent.body')}</p>
      <BigButton onClick={act(() => kiosk.answerConsent(true))}>{t('consent.agree')}</BigButton>
      <BigButton kind="secondary" onClick={act(() => kiosk.answerConsent(false))}>
        {t('consent.decline')}
      </BigButton>
      <p className="note">{t('consent.other')}</p>
    </section>
  );
}
