/**
 * Builds the kiosk's devices from configuration, once: "simulated" or a real driver per device
 * (after Stripe Terminal's discovery). Everything after this sees only the device contracts.
 */
import { isAbsolute, resolve } from 'node:path';
import type { BytePipe } from './byte-pipe.ts';
import type { Camera } from './camera/camera.ts';
import { RendererCamera } from './camera/renderer-camera.ts';
import { SimulatedCamera } from './camera/simulated-camera.ts';
import type { Device } from './device.ts';
import { type DevicesConfig, parseDevicesConfig } from './diagnostics.ts';
import { DeviceFilePipe } from './printer/device-file-pipe.ts';
import { EscPosPrinter } from './printer/escpos-printer.ts';
import { SerialPipe } from './printer/serial-pipe.ts';
import { SimulatedPrinter } from './printer/simulated-printer.ts';
import { TcpPipe } from './printer/tcp-pipe.ts';
import { SerialQrScanner } from './scanner/serial-qr-scanner.ts';
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
  let camera: Camera;
  const c = config.camera;
  if (c.kind === 'renderer') {
    // The renderer already limits its rate; twice that here only guards against a runaway page.
    camera = new RendererCamera({ maxFps: c.sendFps * 2 });
  } else {
    const dir = options.fixturesDir ?? c.fixturesDir;
    camera = simulated.camera = new SimulatedCamera({
      fixturesDir: isAbsolute(dir) ? dir : resolve(options.projectRoot, dir),
    });
  }

  let pipe: BytePipe;
  const p = config.printer;
  if (p.kind === 'simulated') pipe = simulated.printer = new SimulatedPrinter();
  else if (p.kind === 'tcp') pipe = new TcpPipe(withoutKind(p));
  else if (p.kind === 'usb') pipe = new DeviceFilePipe(withoutKind(p));
  else pipe = new SerialPipe(withoutKind(p), await binding());

  let scanner: Device<string>;
  const s = config.scanner;
  if (s.kind === 'simulated') scanner = simulated.scanner = new SimulatedQrScanner();
  else scanner = new SerialQrScanner({ ...withoutKind(s), binding: await binding() });

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

function withoutKind<T extends { kind: string }>(value: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = value;
  return rest;
}
