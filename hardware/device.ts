/**
 * One lifecycle for every device, after UnifiedPOS:
 *   open -> claim -> enable -> events (data, status, error) -> disable -> release -> close.
 * A call in the wrong state is a DeviceStateError, never a silent no-op. Real and simulated
 * devices share this base, so the lifecycle logic is the same code in tests and in the lobby.
 */
import { EventEmitter } from 'node:events';

export type DeviceState = 'closed' | 'opened' | 'claimed' | 'enabled';

export type DeviceStatus =
  | { kind: 'ready' }
  | { kind: 'busy' }
  | { kind: 'offline' }
  | { kind: 'unplugged' }
  | { kind: 'paper-near-end' }
  | { kind: 'paper-out' }
  | { kind: 'cover-open' }
  | { kind: 'error'; code: string };

export class DeviceStateError extends Error {
  override readonly name = 'DeviceStateError';
  constructor(device: string, operation: string, state: DeviceState, needed: DeviceState) {
    super(`${device}: ${operation} needs state ${needed}, but the device is ${state}`);
  }
}

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly device: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${device}: ${message}`, options);
  }
}

export interface DeviceEvents<Data> {
  data: [Data];
  status: [DeviceStatus];
  error: [DeviceError];
}

const order: DeviceState[] = ['closed', 'opened', 'claimed', 'enabled'];

export abstract class Device<Data> {
  private _state: DeviceState = 'closed';
  private _status: DeviceStatus = { kind: 'offline' };
  private readonly events = new EventEmitter();

  constructor(readonly name: string) {
    // A device error with no listener must not crash the kiosk host.
    this.events.on('error', () => undefined);
  }

  get state(): DeviceState {
    return this._state;
  }

  get status(): DeviceStatus {
    return this._status;
  }

  on<E extends keyof DeviceEvents<Data>>(
    event: E,
    listener: (...args: DeviceEvents<Data>[E]) => void,
  ): () => void {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return () => this.events.off(event, listener as (...args: unknown[]) => void);
  }

  async open(): Promise<void> {
    this.expect('open', 'closed');
    await this.onOpen();
    this._state = 'opened';
  }

  async claim(): Promise<void> {
    this.expect('claim', 'opened');
    await this.onClaim();
    this._state = 'claimed';
  }

  async enable(): Promise<void> {
    this.expect('enable', 'claimed');
    await this.onEnable();
    this._state = 'enabled';
  }

  async disable(): Promise<void> {
    this.expect('disable', 'enabled');
    await this.onDisable();
    this._state = 'claimed';
  }

  async release(): Promise<void> {
    this.expect('release', 'claimed');
    await this.onRelease();
    this._state = 'opened';
  }

  async close(): Promise<void> {
    this.expect('close', 'opened');
    await this.onClose();
    this._state = 'closed';
    this.setStatus({ kind: 'offline' });
  }

  /** open + claim + enable, from wherever the device is. */
  async start(): Promise<void> {
    if (this._state === 'closed') await this.open();
    if (this._state === 'opened') await this.claim();
    if (this._state === 'claimed') await this.enable();
  }

  /** disable + release + close, from wherever the device is. */
  async stop(): Promise<void> {
    if (this._state === 'enabled') await this.disable();
    if (this._state === 'claimed') await this.release();
    if (this._state === 'opened') await this.close();
  }

  protected expect(operation: string, needed: DeviceState): void {
    if (this._state !== needed)
      throw new DeviceStateError(this.name, operation, this._state, needed);
  }

  protected atLeast(operation: string, needed: DeviceState): void {
    if (order.indexOf(this._state) < order.indexOf(needed)) {
      throw new DeviceStateError(this.name, operation, this._state, needed);
    }
  }

  protected emitData(data: Data): void {
    if (this._state === 'enabled') this.events.emit('data', data);
  }

  protected emitError(error: DeviceError): void {
    this.events.emit('error', error);
  }

  protected setStatus(status: DeviceStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this._status);
    this._status = status;
    if (changed) this.events.emit('status', status);
  }

  protected abstract onOpen(): Promise<void>;
  protected async onClaim(): Promise<void> {}
  protected async onEnable(): Promise<void> {}
  protected async onDisable(): Promise<void> {}
  protected async onRelease(): Promise<void> {}
  protected abstract onClose(): Promise<void>;
}
