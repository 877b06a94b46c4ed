/**
 * Builds the kiosk's devices from configuration, once: "simulated" or a real driver per device
 * (after Stripe Terminal's discovery). Everything after this sees only the device contracts.
 */
import type { Camera } from './camera/camera.ts';
import { SimulatedCamera } from './camera/simulated-camera.ts';
import type { Device } from './device.ts';
import { buildCamera, buildPrinterPipe, buildScanner } from './device-builders.ts';
import { type DevicesConfig, parseDevicesConfig } from './devices-config.ts';
import { EscPosPrinter } from './printer/escpos-printer.ts';
import { SimulatedPrinter } from './printer/simulated-printer.ts';
import { SimulatedQrScanner } from './scanner/simulated-qr-scanner.ts';
import { type SerialBinding, systemSerialBinding } from './serial-port.ts';

export interface KioskDevices {
  camera: Camera;
  printer: EscPosPrinter;
  scanner: Device<string>;
  /** The simulated ones, for the testers' control API; absent where a real device is used. */
  simulated: { camera?: SimulatedCamera; printer?: SimulatedPrinter; scanner?: SimulatedQrScanner };
  /** How the renderer must read the camera, when it is the renderer's to read. */
  rendererCamera?: { label?: string; width: number; height: number; fps: number; sendFps: number };
}

export async function buildDevices(
  raw: unknown,
  options: {
    projectRoot: string;
    fixturesDir?: string;
    serialBinding?: () => Promise<SerialBinding>;
  },
): Promise<KioskDevices> {
  const config: DevicesConfig = parseDevicesConfig(raw);
  const binding = options.serialBinding ?? systemSerialBinding;
  const simulated: KioskDevices['simulated'] = {};
  const camera: Camera = buildCamera(config.camera, {
    projectRoot: options.projectRoot,
    fixturesDir: options.fixturesDir,
  });
  if (camera instanceof SimulatedCamera) simulated.camera = camera;
  const c = config.camera;

  const pipe = await buildPrinterPipe(config.printer, binding);
  if (pipe instanceof SimulatedPrinter) simulated.printer = pipe;
  const scanner = await buildScanner(config.scanner, binding);
  if (scanner instanceof SimulatedQrScanner) simulated.scanner = scanner;

  return {
    camera,
    printer: new EscPosPrinter(pipe),
    scanner,
    simulated,
    ...(c.kind === 'renderer'
      ? {
          rendererCamera: {
            label: c.label,
            width: c.width,
            height: c.height,
            fps: c.fps,
            sendFps: c.sendFps,
          },
        }
      : {}),
  };
}
