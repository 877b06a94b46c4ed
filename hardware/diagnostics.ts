/**
 * Device self-test, for the person installing or servicing a kiosk (`npm run devices -- check`):
 * builds each configured device, takes it through its lifecycle and one real exchange, and
 * reports one row per device. Printer: open, status, a short test page. Scanner: open, enable,
 * status (nothing need be scanned). Camera: open, enable, one frame.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Camera } from './camera/camera.ts';
import { RendererCamera } from './camera/renderer-camera.ts';
import type { SimulatedScene } from './camera/simulated-camera.ts';
import type { Device, DeviceStatus } from './device.ts';
import { buildCamera, buildPrinterPipe, buildScanner } from './device-builders.ts';
import type { DevicesConfig } from './devices-config.ts';
import { EscPosPrinter } from './printer/escpos-printer.ts';
import { canPrint } from './printer/escpos-status.ts';
import { SerialQrScanner } from './scanner/serial-qr-scanner.ts';
import type { SimulatedQrScanner } from './scanner/simulated-qr-scanner.ts';
import { type SerialBinding, systemSerialBinding } from './serial-port.ts';

export interface CheckResult {
  device: string;
  kind: string;
  status: DeviceStatus['kind'];
  result: 'pass' | 'fail';
  detail: string;
}

export interface DiagnosticsOptions {
  /** Project root; the camera's fixturesDir is relative to it. */
  projectRoot: string;
  /** The serial binding for serial devices; the operating system's by default. */
  serialBinding?: () => Promise<SerialBinding>;
  /** Skip the printer's test page (status only), to save paper. */
  print?: boolean;
  /** Longest one device may take (a hung port must not hang the check). */
  timeoutMs?: number;
}

/** Checks every configured device, one after the other; never throws for a device's failure. */
export async function runDiagnostics(
  config: DevicesConfig,
  options: DiagnosticsOptions,
): Promise<CheckResult[]> {
  const binding = options.serialBinding ?? systemSerialBinding;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const rows: CheckResult[] = [];

  rows.push(
    await check('scanner', config.scanner.kind, timeoutMs, async () => {
      const scanner = await buildScanner(config.scanner, binding);
      return { device: scanner, run: () => checkScanner(scanner) };
    }),
  );

  rows.push(
    await check('printer', config.printer.kind, timeoutMs, async () => {
      const printer = new EscPosPrinter(await buildPrinterPipe(config.printer, binding));
      return { device: printer, run: () => checkPrinter(printer, options.print ?? true) };
    }),
  );

  rows.push(
    await check('camera', config.camera.kind, timeoutMs, async () => {
      const camera = buildCamera(config.camera, {
        projectRoot: options.projectRoot,
        scene: firstPerson,
      });
      if (camera instanceof RendererCamera) {
        // Only the kiosk window can open it; admin mode checks it there.
        return {
          device: camera,
          run: async () => 'read by the kiosk window: check it from admin mode',
        };
      }
      const scene = camera.currentScene;
      const shown = scene.kind === 'person' ? `${scene.person}/${scene.photo}` : 'empty scene';
      return { device: camera, run: () => checkCamera(camera, shown) };
    }),
  );
  return rows;
}

interface Prepared {
  device: Device<unknown>;
  run(): Promise<string>;
}

async function check(
  name: string,
  kind: string,
  timeoutMs: number,
  prepare: () => Promise<Prepared>,
): Promise<CheckResult> {
  let device: Device<unknown> | undefined;
  const row = (result: 'pass' | 'fail', detail: string): CheckResult => ({
    device: name,
    kind,
    status: device?.status.kind ?? 'offline',
    result,
    detail,
  });
  let cancel: (() => void) | undefined;
  try {
    const prepared = await prepare();
    device = prepared.device;
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no result within ${timeoutMs} ms`)),
        timeoutMs,
      );
      cancel = () => clearTimeout(timer);
    });
    return row('pass', await Promise.race([prepared.run(), timeout]));
  } catch (error) {
    return row('fail', describe(error));
  } finally {
    cancel?.();
    // The status is read into the row before stop() sets it to offline.
    await device?.stop().catch(() => undefined);
  }
}

async function checkScanner(scanner: SimulatedQrScanner | SerialQrScanner): Promise<string> {
  await scanner.start();
  if (scanner.status.kind !== 'ready') throw new Error(`status is ${scanner.status.kind}`);
  const where = scanner instanceof SerialQrScanner ? ` on ${scanner.path}` : '';
  return `open and enabled${where}; waiting for nothing`;
}

async function checkPrinter(printer: EscPosPrinter, print: boolean): Promise<string> {
  await printer.start();
  const status = await printer.queryStatus();
  if (!canPrint(status)) throw new Error(`status is ${status.kind}`);
  if (!print) return 'status read; test page skipped';
  const page = testPage(new Date());
  const result = await printer.print(page);
  if (!result.printed) throw new Error(`test page not printed: ${result.problem ?? 'unknown'}`);
  return `test page printed (${page.length} bytes)`;
}

async function checkCamera(camera: Camera, shown: string): Promise<string> {
  await camera.start();
  const frame = await camera.grab();
  if (frame.width <= 0 || frame.height <= 0 || frame.data.length === 0)
    throw new Error('the frame is empty');
  return `frame ${frame.width}x${frame.height} (${shown})`;
}

/** A few lines saying what printed it and when, then a feed and a partial cut. */
export function testPage(now: Date): Uint8Array {
  const text = `Kiosk printer self-test\n${now.toISOString()}\n0123456789 ABCDEFGHIJ\n\n\n`;
  return Uint8Array.from([0x1b, 0x40, ...Buffer.from(text, 'ascii'), 0x1d, 0x56, 0x41, 0x03]);
}

/** The first person's first photo in the fixtures, so the frame shows a real decoded image. */
function firstPerson(fixturesDir: string): SimulatedScene {
  if (!existsSync(fixturesDir)) {
    throw new Error(`camera fixtures not found at ${fixturesDir}`);
  }
  for (const person of readdirSync(fixturesDir).sort()) {
    if (person.startsWith('_') || person.startsWith('.')) continue;
    const dir = join(fixturesDir, person);
    let photos: string[];
    try {
      photos = readdirSync(dir)
        .filter((f) => /\.(png|jpe?g)$/i.test(f))
        .sort();
    } catch {
      continue; // a file, not a person folder
    }
    if (photos[0]) return { kind: 'person', person, photo: photos[0] };
  }
  return { kind: 'empty' };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** A plain-text table, one row per device. */
export function formatTable(rows: CheckResult[]): string {
  const header = ['device', 'kind', 'status', 'result', 'detail'] as const;
  const cells = [
    [...header],
    ...rows.map((r) => [r.device, r.kind, r.status, r.result.toUpperCase(), r.detail]),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(cells[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.slice(1).map(line),
  ].join('\n');
}
