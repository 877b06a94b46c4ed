/** The start: large tiles to pay with the face or key in the ID number; the e-voucher QR works too. */
import { ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { OutOfService } from './OutOfService.tsx';
import { FaceIcon, IdCardIcon, PhoneQrIcon } from './icons.tsx';
import { act, type ScreenProps } from './screen-props.ts';

export function Home({ kiosk, view }: ScreenProps<'home'>) {
  const t = useT();
  // No payment can succeed: no tiles to tap, the counter instead.
  if (view.outOfService) return <OutOfService state={view.outOfService} />;
  return (
    <ScreenFrame title={t('home.welcome')} className="home">
      <div className="tiles">
        <button
          type="button"
          className="btn btn-primary tile"
          onClick={act(() => kiosk.payWithFace())}
        >
          <FaceIcon />
          <span className="tile-label">{t('home.payWithFace')}</span>
        </button>
        <button
          type="button"
          className="btn btn-secondary tile"
          onClick={act(() => kiosk.payWithIdNumber())}
        >
          <IdCardIcon />
          <span className="tile-label">{t('home.payWithId')}</span>
        </button>
        <div className="tile tile-info">
          <PhoneQrIcon />
          <p className="note">{t('home.qrNote')}</p>
        </div>
      </div>
      <p className="note">{t('home.faceNote')}</p>
    </ScreenFrame>
  );
}
