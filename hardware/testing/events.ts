/** Small helpers for tests that watch a device's events. */
import type { Device, DeviceError } from '../device.ts';

export interface Recorded<Data> {
  data: Data[];
  errors: DeviceError[];
  statuses: string[];
}

/** Records every event of a device, in order of arrival. */
export function record<Data>(device: Device<Data>): Recorded<Data> {
  const recorded: Recorded<Data> = { data: [], errors: [], statuses: [] };
  device.on('data', (d) => recorded.data.push(d));
  device.on('error', (e) => recorded.errors.push(e));
  device.on('status', (s) => recorded.statuses.push(s.kind));
  return recorded;
}

/** Resolves once `condition` holds, polling; rejects after timeoutMs with `what` in the message. */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 3_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets pending promise callbacks and nextTick work run (the mock binding uses nextTick). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
