/** The start: pay with the face, or key in the ID number; the e-voucher QR works from here too. */
import { BigButton } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function Home({ kiosk }: ScreenProps<'home'>) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('home.welcome')}</h1>
      <BigButton onClick={act(() => kiosk.payWithFace())}>{t('home.payWithFace')}</BigButton>
      <BigButton kind="secondary" onClick={act(() => kiosk.payWithIdNumber())}>
        {t('home.payWithId')}
      </BigButton>
      <p className="note">{t('home.faceNote')}</p>
      <p className="note">{t('home.qrNote')}</p>
    </section>
  );
}
