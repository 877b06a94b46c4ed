/**
 * Driver options are checked when the driver is built, not when the patient is standing there: a
 * typo in a serial path's options or a baud rate of "9600 " is a DeviceConfigError naming the
 * field, raised at start-up.
 */
import type { z } from 'zod';

export class DeviceConfigError extends Error {
  override readonly name = 'DeviceConfigError';
  constructor(
    readonly device: string,
    readonly problems: string[],
  ) {
    super(`${device}: invalid options: ${problems.join('; ')}`);
  }
}

export function parseDeviceOptions<S extends z.ZodType>(
  device: string,
  schema: S,
  raw: unknown,
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DeviceConfigError(
      device,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}
