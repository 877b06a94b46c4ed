/**
 * The KioskService every transport serves (Electron IPC or WebSocket), made from the contract by
 * serviceFrom: the session controller's commands and admin mode's calls as they are, plus the few
 * calls the host adapts (the session's queries, the renderer camera's frames). Transports
 * validate arguments before anything here runs.
 */
import {
  serviceFrom,
  type KioskEventSources,
  type KioskMethodImplementations,
  type KioskService,
} from '../core/kiosk-service-from.ts';
import type { SessionController } from '../core/session-controller.ts';
import type { RendererCamera } from '../hardware/camera/renderer-camera.ts';
import type { AdminService } from './admin.ts';

export interface HostServiceParts {
  session: SessionController;
  admin: AdminService;
  /** The camera the renderer reads and sends frames from, when it is the configured camera. */
  rendererCamera?: RendererCamera;
  /** Preview frames of a camera the renderer cannot see, for the patient to see themselves. */
  previews: KioskEventSources['cameraFrame'];
}

export function hostKioskService({
  session,
  admin,
  rendererCamera,
  previews,
}: HostServiceParts): KioskService {
  return serviceFrom(
    [session, admin, sessionQueries(session), rendererCameraCalls(rendererCamera)],
    {
      view: (listener) => session.onView(listener),
      notice: (listener) => session.onNotice(listener),
      cameraFrame: previews,
    },
  );
}

/** The session names its queries after what they return. */
function sessionQueries(
  session: SessionController,
): Pick<KioskMethodImplementations, 'getInfo' | 'getView'> {
  return { getInfo: () => session.info(), getView: () => session.view() };
}

/** Frames and status of the renderer's own camera; with a host camera, frames are not kept. */
function rendererCameraCalls(
  camera: RendererCamera | undefined,
): Pick<KioskMethodImplementations, 'pushCameraFrame' | 'cameraStatus'> {
  return {
    // Checked against its declared type and decoded off this thread (the camera's decoder).
    pushCameraFrame: async (dataUrl) => ({
      kept: camera ? await camera.pushDataUrl(dataUrl) : false,
    }),
    cameraStatus: (status) => camera?.setSourceStatus(status),
  };
}
