/**
 * The kiosk's real camera (UVC) when the renderer reads it: getUserMedia with the configured
 * device label, resolution and frame rate; frames downscaled and sent to the kiosk host at a
 * bounded rate, dropping a frame rather than queueing when the last one is still on its way.
 * An unplugged camera is reported, and the feed reopens when a camera comes back.
 */
import { useEffect, useRef } from 'react';
import { MAX_CAMERA_FRAME_CHARS, type KioskApi, type KioskInfo } from '../core/kiosk-api.ts';

/** The frame as a JPEG data URL within the contract's limit, lowering the quality if it must. */
function jpegUnder(canvas: HTMLCanvasElement, maxChars: number): string | undefined {
  for (const quality of [0.8, 0.6, 0.4]) {
    const url = canvas.toDataURL('image/jpeg', quality);
    if (url.length <= maxChars) return url;
  }
  return undefined;
}

type RendererCameraConfig = Extract<KioskInfo['camera'], { source: 'renderer' }>;

async function openCamera(config: RendererCameraConfig): Promise<MediaStream> {
  const constraints = (deviceId?: string): MediaStreamConstraints => ({
    audio: false,
    video: {
      width: { ideal: config.width },
      height: { ideal: config.height },
      frameRate: { ideal: config.fps },
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    },
  });
  let stream = await navigator.mediaDevices.getUserMedia(constraints());
  if (config.label) {
    // Labels are only readable once a camera is open; then switch to the configured one.
    const devices = await navigator.mediaDevices.enumerateDevices();
    const wanted = devices.find((d) => d.kind === 'videoinput' && d.label.includes(config.label!));
    const current = stream.getVideoTracks()[0]?.getSettings().deviceId;
    if (wanted && wanted.deviceId !== current) {
      stream.getTracks().forEach((t) => t.stop());
      stream = await navigator.mediaDevices.getUserMedia(constraints(wanted.deviceId));
    }
  }
  return stream;
}

export function CameraFeed({ kiosk, config }: { kiosk: KioskApi; config: RendererCameraConfig }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    const canvas = document.createElement('canvas');
    const scale = Math.min(1, 640 / config.width);
    canvas.width = Math.round(config.width * scale);
    canvas.height = Math.round(config.height * scale);
    const context = canvas.getContext('2d');
    let inFlight = false;

    const start = async () => {
      try {
        stream = await openCamera(config);
      } catch {
        void kiosk.cameraStatus('unplugged').catch(() => undefined);
        return;
      }
      if (stopped) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      const track = stream.getVideoTracks()[0];
      track?.addEventListener('ended', () => {
        void kiosk.cameraStatus('unplugged').catch(() => undefined);
        clearInterval(timer);
      });
      if (video.current) {
        video.current.srcObject = stream;
        await video.current.play().catch(() => undefined);
      }
      void kiosk.cameraStatus('ready').catch(() => undefined);
      timer = setInterval(() => {
        const v = video.current;
        if (inFlight || !context || !v || v.readyState < 2) return; // drop, never queue
        inFlight = true;
        context.drawImage(v, 0, 0, canvas.width, canvas.height);
        const frame = jpegUnder(canvas, MAX_CAMERA_FRAME_CHARS);
        if (!frame) {
          inFlight = false;
          return;
        }
        void kiosk
          .pushCameraFrame(frame)
          .catch(() => undefined)
          .finally(() => {
            inFlight = false;
          });
      }, 1000 / config.sendFps);
    };
    const replug = () => {
      if (stream?.getVideoTracks()[0]?.readyState === 'live') return;
      clearInterval(timer);
      void start();
    };
    navigator.mediaDevices?.addEventListener('devicechange', replug);
    void start();
    return () => {
      stopped = true;
      clearInterval(timer);
      navigator.mediaDevices?.removeEventListener('devicechange', replug);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [kiosk, config]);
  return <video ref={video} className="camera-video" muted playsInline aria-hidden="true" />;
}
