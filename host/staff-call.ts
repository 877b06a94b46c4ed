/**
 * "Call staff" delivered to the hospital's nurse-call or messaging system: one JSON POST to the
 * configured webhook (kiosk id, screen, time and a call id; never anything about the patient),
 * retried with exponential backoff until the receiver answers 2xx, each try bounded by a
 * timeout and the tries by a maximum. Delivery is at least once: a retry after a lost answer can
 * arrive twice, so the receiver de-duplicates by `callId`. While one call is being delivered,
 * further presses join it rather than paging staff again.
 *
 * The queue is in memory, not durable: a kiosk stopped while a call is still being delivered
 * drops it (logged as `staff.call-dropped`), and `kiosk_staff_call_pending` stays 1 so the
 * hospital's "staff called and not answered" alert still fires. Logs carry the call id and
 * attempt counts only.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { ConfigError, type KioskConfig } from '../core/config.ts';
import type { Clock } from '../core/domain.ts';
import type { StaffCallOutcome } from '../core/kiosk-api.ts';
import type { LogFn } from '../core/ports.ts';

/** The longest wait between two tries, however many have failed. */
const MAX_BACKOFF_MS = 60_000;

export interface StaffCallOptions {
  url: string;
  /** Signs each request: `x-kiosk-signature: sha256=HMAC(secret, timestamp + "." + body)`. */
  secret?: string;
  kioskId: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Wait before the first retry; doubled for each later one, up to 60 s. */
  backoffMs: number;
  clock: Clock;
  log: LogFn;
  /** How long the patient's tap waits for the first try before being told "queued". */
  firstWaitMs?: number;
  /** Call ids; tests inject their own. */
  newId?: () => string;
  /** 0..1, spreads retries so a fleet does not retry in step; tests inject their own. */
  random?: () => number;
}

/** The body the receiver gets: what it needs to send someone, and nothing about the patient. */
export interface StaffCallBody {
  kind: 'staff-call';
  callId: string;
  kioskId: string;
  screen: string;
  calledAt: string;
  attempt: number;
}

export class StaffCaller {
  private current: { callId: string; done: Promise<void> } | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly o: StaffCallOptions) {}

  /** Queues a call from `screen`; resolves once the first try is answered or has taken long. */
  async call(screen: string): Promise<StaffCallOutcome> {
    if (this.stopping.signal.aborted) return 'not-connected';
    if (this.current) {
      this.o.log('staff.call-joined', { callId: this.current.callId });
      return 'queued';
    }
    const callId = (this.o.newId ?? randomUUID)();
    this.o.log('staff.call-queued', { callId });
    let firstAnswer!: (acknowledged: boolean) => void;
    const first = new Promise<boolean>((resolve) => (firstAnswer = resolve));
    const call: Omit<StaffCallBody, 'attempt'> = {
      kind: 'staff-call',
      callId,
      kioskId: this.o.kioskId,
      screen: screen.slice(0, 40),
      calledAt: this.o.clock.now().toISOString(),
    };
    const done = this.deliver(call, firstAnswer).catch(() =>
      this.finish('staff.call-gave-up', { callId, attempts: 0 }),
    );
    this.current = { callId, done };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tookLong = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.o.firstWaitMs ?? 2000);
    });
    const acknowledged = await Promise.race([first, tookLong]);
    clearTimeout(timer);
    return acknowledged ? 'sent' : 'queued';
  }

  /** The call being delivered, if any (for tests and shutdown). */
  get pending(): string | undefined {
    return this.current?.callId;
  }

  /** Stops retrying: a call still being delivered is dropped (no durable queue) and logged. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.current?.done;
  }

  private async deliver(
    call: Omit<StaffCallBody, 'attempt'>,
    firstAnswer: (acknowledged: boolean) => void,
  ): Promise<void> {
    const { callId } = call;
    const max = this.o.maxAttempts;
    for (let attempt = 1; attempt <= max; attempt++) {
      const problem = await this.post({ ...call, attempt });
      if (attempt === 1) firstAnswer(problem === undefined);
      if (problem === undefined) {
        this.finish('staff.call-acknowledged', { callId, attempts: attempt });
        return;
      }
      if (this.stopping.signal.aborted) {
        this.finish('staff.call-dropped', { callId, attempts: attempt });
        return;
      }
      this.o.log('staff.call-attempt-failed', { callId, attempt, problem });
      if (attempt === max) break;
      const backoff = Math.min(this.o.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      if (!(await this.wait(backoff * (0.75 + 0.5 * (this.o.random ?? Math.random)())))) {
        this.finish('staff.call-dropped', { callId, attempts: attempt });
        return;
      }
    }
    this.finish('staff.call-gave-up', { callId, attempts: max });
  }

  /** The call's last word: from here a press starts a new call. */
  private finish(event: string, fields: { callId: string; attempts: number }): void {
    this.current = undefined;
    this.o.log(event, fields);
  }

  /** One try: undefined when acknowledged (2xx), else a short reason with no data in it. */
  private async post(call: StaffCallBody): Promise<string | undefined> {
    const body = JSON.stringify(call);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-kiosk-call-id': call.callId,
    };
    if (this.o.secret) {
      const timestamp = String(this.o.clock.now().getTime());
      headers['x-kiosk-timestamp'] = timestamp;
      headers['x-kiosk-signature'] = `sha256=${createHmac('sha256', this.o.secret)
        .update(`${timestamp}.${body}`)
        .digest('hex')}`;
    }
    try {
      const response = await fetch(this.o.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.stopping.signal]),
      });
      // The answer's body means nothing to the kiosk: not read, so it cannot be large.
      await response.body?.cancel().catch(() => undefined);
      return response.status >= 200 && response.status < 300
        ? undefined
        : `http-${response.status}`;
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
      return this.stopping.signal.aborted ? 'stopped' : 'unreachable';
    }
  }

  /** Resolves true after `ms`, or false at once when the caller is stopped. */
  private wait(ms: number): Promise<boolean> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * The caller the configuration asks for, or none (the call is then only logged). Production
 * takes the signing secret from STAFF_CALL_SECRET; the schema refuses one in its file.
 */
export function staffCallerFrom(
  config: KioskConfig,
  env: Record<string, string | undefined>,
  clock: Clock,
  log: LogFn,
): StaffCaller | undefined {
  const webhook = config.staffCall.webhook;
  if (!webhook) {
    log('staff.call-not-configured', {});
    return undefined;
  }
  const secret = env.STAFF_CALL_SECRET ?? webhook.secret;
  if (secret !== undefined && secret.length < 16)
    throw new ConfigError('STAFF_CALL_SECRET must be 16 or more characters');
  if (secret === undefined) log('staff.call-unsigned', {});
  return new StaffCaller({
    url: webhook.url,
    ...(secret !== undefined ? { secret } : {}),
    kioskId: config.kioskId,
    timeoutMs: webhook.timeoutMs,
    maxAttempts: webhook.maxAttempts,
    backoffMs: webhook.backoffMs,
    clock,
    log,
  });
}
