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
import { servedViews, type ServiceWatch } from './service-health.ts';

export interface HostServiceParts {
  session: SessionController;
  admin: AdminService;
  /** The camera the renderer reads and sends frames from, when it is the configured camera. */
  rendererCamera?: RendererCamera;
  /** Preview frames of a camera the renderer cannot see, for the patient to see themselves. */
  previews: KioskEventSources['cameraFrame'];
  /** Whether payments can be taken: the home view says when they cannot. */
  serviceWatch?: ServiceWatch;
}

export function hostKioskService({
  session,
  admin,
  rendererCamera,
  previews,
  serviceWatch,
}: HostServiceParts): KioskService {
  const views = servedViews(session, serviceWatch);
  return serviceFrom([session, admin, sessionQueries(views), rendererCameraCalls(rendererCamera)], {
    view: views.onView,
    notice: (listener) => session.onNotice(listener),
    cameraFrame: previews,
  });
}

/** The session names its queries after what they return. */
function sessionQueries(
  views: ReturnType<typeof servedViews>,
): Pick<KioskMethodImplementations, 'getInfo' | 'getView'> {
  return { getInfo: () => views.info(), getView: () => views.view() };
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
