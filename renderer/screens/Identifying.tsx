/** The camera finds the patient; the line under it says what to do (and the liveness steps). */
import { Camera } from '../Camera.tsx';
import { BigButton } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function Identifying({ kiosk, view, frame, info }: ScreenProps<'identifying'>) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('identify.title')}</h1>
      <Camera kiosk={kiosk} frame={frame} info={info} />
      <p className="lead" role="status">
        {t(`identify.hint.${view.hint}`)}
      </p>
      <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}
