/**
 * What the patient sees of themselves: this window's own camera, or the host's preview frames.
 * The preview is held here, not by the app: a frame re-renders this picture alone, and a camera
 * screen starts blank, never with the last picture of the patient before.
 */
import { useEffect, useState } from 'react';
import type { CameraFrame, KioskApi, KioskInfo } from '../core/kiosk-api.ts';
import { CameraFeed } from './CameraFeed.tsx';

function HostPreview({ kiosk }: { kiosk: KioskApi }) {
  const [frame, setFrame] = useState<CameraFrame>();
  useEffect(() => kiosk.onCameraFrame(setFrame), [kiosk]);
  return frame ? (
    <img src={frame.dataUrl} alt="" width={frame.width} height={frame.height} />
  ) : null;
}

export function Camera({ kiosk, info }: { kiosk: KioskApi; info?: KioskInfo | undefined }) {
  return (
    <div className="camera">
      {info?.camera.source === 'renderer' ? (
        <CameraFeed kiosk={kiosk} config={info.camera} />
      ) : (
        <HostPreview kiosk={kiosk} />
      )}
    </div>
  );
}
