/**
 * Whether the kiosk can take payments, for the home screen's "out of service, please go to the
 * counter". Two causes, from what the host already knows:
 *
 * - the settlement gateway has failed its reachability probe (a TCP connect, the same check as
 *   /readyz, host/metrics.ts GatewayProbe) without a single success for `outOfServiceAfterMs`:
 *   a patient cannot be found, billed or settled. Only after that period, so a gateway that
 *   drops for a few seconds (or a tester taking it down mid-journey) never flips the screen.
 * - every way to identify a patient is down: the camera (face, and ID number + face) and the
 *   scanner (the e-voucher QR). At once, since nothing at the kiosk can bring them back.
 *
 * `ServiceHealth` is the decision, on an injected clock; `ServiceWatch` samples the probe and
 * the devices on a timer and tells listeners when the decision changes.
 */
import type { Clock } from '../core/domain.ts';
import type { KioskInfo, OutOfService, SessionView } from '../core/kiosk-api.ts';
import type { LogFn } from '../core/ports.ts';
import type { DeviceStatus } from '../hardware/device.ts';

/** One look at what payments need. */
export interface HealthSample {
  gatewayReachable: boolean;
  camera: DeviceStatus['kind'];
  scanner: DeviceStatus['kind'];
}

export interface ServiceHealthOptions {
  clock: Clock;
  /** How long the gateway must fail every probe before the kiosk is out of service. */
  outOfServiceAfterMs: number;
  /** Whether "call staff" reaches someone (a nurse-call webhook): then the screen says so. */
  staffCallConnected: boolean;
}

/** A device that can still read a face or a code (busy: it is doing so right now). */
function working(kind: DeviceStatus['kind']): boolean {
  return kind === 'ready' || kind === 'busy';
}

export class ServiceHealth {
  /** When the gateway's probe first failed with no success since; undefined while it answers. */
  private gatewayFailingSince: number | undefined;
  private last: HealthSample | undefined;

  constructor(private readonly o: ServiceHealthOptions) {
    if (!Number.isInteger(o.outOfServiceAfterMs) || o.outOfServiceAfterMs < 0)
      throw new RangeError('outOfServiceAfterMs must be a whole number of milliseconds, 0 or more');
  }

  /** Takes a sample and answers the decision as of now. */
  observe(sample: HealthSample): OutOfService | undefined {
    const now = this.o.clock.now().getTime();
    if (sample.gatewayReachable) this.gatewayFailingSince = undefined;
    else this.gatewayFailingSince ??= now;
    this.last = sample;
    return this.decision(now);
  }

  /** The gateway as last probed: unknown before the first probe, else reachable or failing since when. */
  gateway(): { reachable: boolean | undefined; failingSince: Date | undefined } {
    const since = this.gatewayFailingSince;
    return {
      reachable: this.last?.gatewayReachable,
      failingSince: since === undefined ? undefined : new Date(since),
    };
  }

  /** The decision for the last sample, as of now (the gateway's period may have run out since). */
  current(): OutOfService | undefined {
    return this.last && this.decision(this.o.clock.now().getTime());
  }

  private decision(now: number): OutOfService | undefined {
    const sample = this.last;
    if (!sample) return undefined;
    const reasons: OutOfService['reasons'] = [];
    if (
      this.gatewayFailingSince !== undefined &&
      now - this.gatewayFailingSince >= this.o.outOfServiceAfterMs
    )
      reasons.push('gateway-unreachable');
    if (!working(sample.camera) && !working(sample.scanner)) reasons.push('cannot-identify');
    if (reasons.length === 0) return undefined;
    return { reasons, stillWorks: this.o.staffCallConnected ? ['call-staff'] : [] };
  }
}

export interface ServiceWatchOptions extends ServiceHealthOptions {
  /** Whether the gateway answers now (bounded by its own timeout). */
  probe: () => Promise<boolean>;
  devices: () => { camera: DeviceStatus['kind']; scanner: DeviceStatus['kind'] };
  /** How often to look (default 2 s): how soon the home screen follows a change. */
  intervalMs?: number;
  log: LogFn;
}

/** Samples on a timer, one probe at a time, and tells listeners when the decision changes. */
export class ServiceWatch {
  private readonly health: ServiceHealth;
  private readonly listeners = new Set<(state: OutOfService | undefined) => void>();
  private state: OutOfService | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: ServiceWatchOptions) {
    this.health = new ServiceHealth(o);
  }

  /** The current decision: undefined while the kiosk can take payments. */
  outOfService(): OutOfService | undefined {
    return this.state;
  }

  /** The gateway as last probed, for the admin device check. */
  gateway(): ReturnType<ServiceHealth['gateway']> {
    return this.health.gateway();
  }

  onChange(listener: (state: OutOfService | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** One sample now; resolves when the decision reflects it. */
  async check(): Promise<OutOfService | undefined> {
    const gatewayReachable = await this.o.probe().catch(() => false);
    const next = this.health.observe({ gatewayReachable, ...this.o.devices() });
    if (key(next) !== key(this.state)) {
      this.state = next;
      this.o.log('kiosk.service', {
        inService: next === undefined,
        reasons: next?.reasons.join(',') ?? '',
      });
      for (const listener of this.listeners) listener(next);
    }
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.running = this.check()
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.o.intervalMs ?? 2000);
        });
    }, ms);
    this.timer.unref?.();
  }
}

function key(state: OutOfService | undefined): string {
  return state ? `${state.reasons.join(',')}|${state.stillWorks.join(',')}` : '';
}

/** The session's views as the renderer is served them: the home view says when out of service. */
export function servedViews(
  session: {
    view(): SessionView;
    info(): KioskInfo;
    onView(listener: (view: SessionView) => void): () => void;
  },
  watch: ServiceWatch | undefined,
) {
  const served = (view: SessionView): SessionView => {
    const outOfService = watch?.outOfService();
    return view.screen === 'home' && outOfService ? { ...view, outOfService } : view;
  };
  return {
    info: () => session.info(),
    view: () => served(session.view()),
    onView: (listener: (view: SessionView) => void): (() => void) => {
      const offSession = session.onView((view) => listener(served(view)));
      // The home screen changes with the kiosk's service, though the session has not moved.
      const offWatch = watch?.onChange(() => {
        const view = session.view();
        if (view.screen === 'home') listener(served(view));
      });
      return () => {
        offSession();
        offWatch?.();
      };
    },
  };
}
