/**
 * One place that turns a device's configuration entry into its driver, used by the kiosk host
 * (device-factory.ts) and by the self-test (diagnostics.ts), so both build exactly the same thing.
 */
import type { BytePipe } from './byte-pipe.ts';
import type { DevicesConfig } from './diagnostics.ts';
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

function withoutKind<T extends { kind: string }>(entry: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = entry;
  return rest;
}
