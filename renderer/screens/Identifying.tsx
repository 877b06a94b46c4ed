/** The camera finds the patient; the line under it says what to do (and the liveness steps). */
import { Camera } from '../Camera.tsx';
import { BigButton, ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function Identifying({ kiosk, view, info }: ScreenProps<'identifying'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('identify.title')}
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
          {t('common.cancel')}
        </BigButton>
      }
    >
      <Camera kiosk={kiosk} info={info} />
      <p className="lead" role="status">
        {t(`identify.hint.${view.hint}`)}
      </p>
    </ScreenFrame>
  );
}
