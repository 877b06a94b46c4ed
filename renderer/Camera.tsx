/** What the patient sees of themselves: this window's own camera, or the host's preview frames. */
import type { CameraFrame, KioskApi, KioskInfo } from '../core/kiosk-api.ts';
import { CameraFeed } from './CameraFeed.tsx';

export function Camera({
  kiosk,
  frame,
  info,
}: {
  kiosk: KioskApi;
  frame?: CameraFrame | undefined;
  info?: KioskInfo | undefined;
}) {
  return (
    <div className="camera">
      {info?.camera.source === 'renderer' ? (
        <CameraFeed kiosk={kiosk} config={info.camera} />
      ) : (
        frame && <img src={frame.dataUrl} alt="" width={frame.width} height={frame.height} />
      )}
    </div>
  );
}
