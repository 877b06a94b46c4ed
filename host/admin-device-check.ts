/**
 * Admin mode's device check: each part tried live (a camera frame, the printer's status and a
 * test page, the scanner, the face gallery, the gateway's last probe). Each row carries a
 * finding code and its values, which the renderer words in the staff member's language, and
 * the same in English for the log and support tickets.
 */
import type { Clock } from '../core/domain.ts';
import type { DeviceCheck } from '../core/kiosk-api.ts';
import { formatInTimeZone } from '../core/time.ts';
import type { GalleryHealth } from '../face/gallery-sync.ts';
import { testPage } from '../hardware/diagnostics.ts';
import type { KioskDevices } from '../hardware/device-factory.ts';
import type { DeviceStatus } from '../hardware/device.ts';
import { canPrint } from '../hardware/printer/escpos-status.ts';

export interface DeviceCheckParts {
  clock: Clock;
  timeZone: string;
  devices: KioskDevices;
  /** The face engine and the gallery it identifies by (see face/gallery-sync.ts). */
  face?: () => { engine: string; gallery: GalleryHealth };
  /** The gateway as last probed (host/service-health.ts). */
  gateway?: () => {
    simulated: boolean;
    reachable: boolean | undefined;
    failingSince: Date | undefined;
  };
}

type Finding = Pick<DeviceCheck, 'finding' | 'values' | 'detail'>;

/** A check that did not pass, with what it found. */
class CheckFailed extends Error {
  constructor(readonly found: Finding) {
    super(found.detail);
  }
}

function found(
  finding: DeviceCheck['finding'],
  detail: string,
  values: Record<string, string> = {},
): Finding {
  return { finding, values, detail };
}

function statusOf(status: DeviceStatus): DeviceCheck['status'] {
  return status.kind;
}

export async function deviceChecks(
  parts: DeviceCheckParts,
  { testPrint }: { testPrint: boolean },
): Promise<DeviceCheck[]> {
  const { camera, printer, scanner, simulated } = parts.devices;
  const time = (at: Date) => formatInTimeZone(at, parts.timeZone).dateTime.slice(11, 16);
  const rows: DeviceCheck[] = [];
  const row = async (
    device: DeviceCheck['device'],
    kind: string,
    run: () => Promise<Finding>,
    status: () => DeviceCheck['status'],
  ) => {
    try {
      rows.push({ device, kind, status: status(), result: 'pass', ...(await run()) });
    } catch (error) {
      const failure =
        error instanceof CheckFailed
          ? error.found
          : found('failed', error instanceof Error ? error.message.slice(0, 200) : 'failed', {
              message: error instanceof Error ? error.message.slice(0, 200) : 'failed',
            });
      rows.push({ device, kind, status: status(), result: 'fail', ...failure });
    }
  };
  const notReady = (status: DeviceStatus) =>
    new CheckFailed(found('not-ready', `not ready: ${status.kind}`, { status: status.kind }));

  await row(
    'camera',
    simulated.camera === camera ? 'simulated' : 'real',
    async () => {
      const frame = await camera.grab();
      const values = { width: String(frame.width), height: String(frame.height) };
      return found('camera-frame', `frame ${frame.width}x${frame.height}`, values);
    },
    () => statusOf(camera.status),
  );
  await row(
    'printer',
    simulated.printer ? 'simulated' : 'real',
    async () => {
      const status = await printer.queryStatus();
      if (!canPrint(status)) throw notReady(status);
      if (!testPrint) return found('printer-ready', 'ready');
      const result = await printer.print(testPage(parts.clock.now()));
      if (!result.printed) {
        const problem = result.problem ?? 'unknown';
        throw new CheckFailed(
          found('test-page-failed', `test page not printed: ${problem}`, { problem }),
        );
      }
      return found('test-page-printed', 'test page printed');
    },
    () => statusOf(printer.status),
  );
  await row(
    'scanner',
    simulated.scanner ? 'simulated' : 'real',
    async () => {
      if (scanner.status.kind !== 'ready') throw notReady(scanner.status);
      return found('scanner-ready', 'open and enabled');
    },
    () => statusOf(scanner.status),
  );
  const face = parts.face?.();
  if (face) {
    const { gallery } = face;
    const values = {
      persons: String(gallery.persons),
      templates: String(gallery.templates),
      source: gallery.source,
    };
    const who = `${gallery.persons} persons (${gallery.templates} templates) from the ${gallery.source}`;
    await row(
      'face',
      face.engine,
      async () => {
        if (gallery.persons === 0)
          throw new CheckFailed(
            found('face-empty', 'no one is enrolled: face payment cannot find anyone'),
          );
        if (gallery.failingSince) {
          const since = time(gallery.failingSince);
          throw new CheckFailed(
            found(
              'face-sync-failing',
              `${who}; gateway sync failing since ${since}, so changes are not arriving`,
              { ...values, since },
            ),
          );
        }
        if (!gallery.lastSyncAt) return found('face-gallery', who, values);
        const at = time(gallery.lastSyncAt);
        return found('face-gallery-synced', `${who}, synced at ${at}`, { ...values, at });
      },
      () => (gallery.failingSince ? 'sync-failing' : gallery.persons > 0 ? 'ready' : 'empty'),
    );
  }
  const gateway = parts.gateway?.();
  if (gateway) {
    await row(
      'gateway',
      gateway.simulated ? 'simulated' : 'real',
      async () => {
        if (gateway.reachable === undefined)
          throw new CheckFailed(found('gateway-not-checked', 'not probed yet'));
        if (gateway.failingSince) {
          const since = time(gateway.failingSince);
          throw new CheckFailed(
            found('gateway-unreachable', `unreachable since ${since}`, { since }),
          );
        }
        return found('gateway-reachable', 'reachable');
      },
      () =>
        gateway.reachable === undefined
          ? 'not-checked'
          : gateway.reachable
            ? 'reachable'
            : 'unreachable',
    );
  }
  return rows;
}
