/**
 * The kiosk's device configuration: which driver each device uses (`simulated` or a real one)
 * and that driver's options. Read by the kiosk host (device-factory.ts) and by the self-test
 * (diagnostics.ts); the drivers themselves only check their own options (device-config.ts).
 */
import { z } from 'zod';
import { parseDeviceOptions } from './device-config.ts';
import { deviceFilePipeConfigSchema } from './printer/device-file-pipe.ts';
import { tcpPipeConfigSchema } from './printer/tcp-pipe.ts';
import { serialQrScannerConfigSchema } from './scanner/serial-qr-scanner.ts';
import { serialLineSchema } from './serial-port.ts';

// Top-level keys are not strict, so a whole kiosk configuration file (core/config.ts), whose
// camera and printer entries have this shape, can be checked as it is.
export const devicesConfigSchema = z.object({
  scanner: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('simulated') }),
      serialQrScannerConfigSchema.extend({ kind: z.literal('serial') }),
    ])
    .default({ kind: 'simulated' }),
  printer: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('simulated') }),
      tcpPipeConfigSchema.extend({ kind: z.literal('tcp') }),
      // A USB printer-class device (usblp) or parallel port, as a device file.
      deviceFilePipeConfigSchema.extend({ kind: z.literal('usb') }),
      serialLineSchema.extend({ kind: z.literal('serial') }),
    ])
    .default({ kind: 'simulated' }),
  camera: z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('simulated'),
        /** Relative to the project root. */
        fixturesDir: z.string().min(1).default('../shared/fixtures/faces'),
      }),
      // A UVC camera read by the renderer (getUserMedia), chosen by its label.
      z.strictObject({
        kind: z.literal('renderer'),
        label: z.string().max(200).optional(),
        width: z.number().int().min(160).max(3840).default(640),
        height: z.number().int().min(120).max(2160).default(480),
        fps: z.number().int().min(1).max(60).default(15),
        /**
         * Frames per second sent to the kiosk host; more are dropped in the renderer. 8 lets the
         * liveness challenge see a blink (about a fifth of a second).
         */
        sendFps: z.number().min(0.5).max(15).default(8),
      }),
    ])
    .default({ kind: 'simulated', fixturesDir: '../shared/fixtures/faces' }),
});
export type DevicesConfig = z.output<typeof devicesConfigSchema>;

export function parseDevicesConfig(raw: unknown): DevicesConfig {
  return parseDeviceOptions('devices', devicesConfigSchema, raw ?? {});
}
