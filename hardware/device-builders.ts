/**
 * One place that turns a device's configuration entry into its driver, used by the kiosk host
 * (device-factory.ts) and by the self-test (diagnostics.ts), so both build exactly the same thing.
 */
import { isAbsolute, resolve } from 'node:path';
import type { BytePipe } from './byte-pipe.ts';
import { RendererCamera } from './camera/renderer-camera.ts';
import { SimulatedCamera, type SimulatedScene } from './camera/simulated-camera.ts';
import type { DevicesConfig } from './devices-config.ts';
import { DeviceFilePipe } from './printer/device-file-pipe.ts';
import { SerialPipe } from './printer/serial-pipe.ts';
import { SimulatedPrinter } from './printer/simulated-printer.ts';
import { TcpPipe } from './printer/tcp-pipe.ts';
import { SerialQrScanner } from './scanner/serial-qr-scanner.ts';
import { SimulatedQrScanner } from './scanner/simulated-qr-scanner.ts';
import type { SerialBinding } from './serial-port.ts';

export async function buildPrinterPipe(
  p: DevicesConfig['printer'],
  binding: () => Promise<SerialBinding>,
): Promise<BytePipe> {
  if (p.kind === 'simulated') return new SimulatedPrinter();
  if (p.kind === 'tcp') return new TcpPipe(withoutKind(p));
  if (p.kind === 'usb') return new DeviceFilePipe(withoutKind(p));
  return new SerialPipe(withoutKind(p), await binding());
}

export async function buildScanner(
  s: DevicesConfig['scanner'],
  binding: () => Promise<SerialBinding>,
): Promise<SimulatedQrScanner | SerialQrScanner> {
  if (s.kind === 'simulated') return new SimulatedQrScanner();
  return new SerialQrScanner({ ...withoutKind(s), binding: await binding() });
}

export interface CameraBuildOptions {
  /** A relative fixturesDir is relative to this. */
  projectRoot: string;
  /** Takes the place of the configured fixtures folder (the simulator's own fixtures). */
  fixturesDir?: string;
  /** Who stands in front of a simulated camera from the start, given its fixtures folder. */
  scene?: (fixturesDir: string) => SimulatedScene;
}

export function buildCamera(
  c: DevicesConfig['camera'],
  options: CameraBuildOptions,
): RendererCamera | SimulatedCamera {
  // The renderer already limits its rate; twice that here only guards against a runaway page.
  if (c.kind === 'renderer')
    return new RendererCamera({
      maxFps: c.sendFps * 2,
      frameSize: { width: c.width, height: c.height },
    });
  const dir = options.fixturesDir ?? c.fixturesDir;
  const fixturesDir = isAbsolute(dir) ? dir : resolve(options.projectRoot, dir);
  return new SimulatedCamera({
    fixturesDir,
    ...(options.scene ? { scene: options.scene(fixturesDir) } : {}),
  });
}

function withoutKind<T extends { kind: string }>(entry: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = entry;
  return rest;
}
