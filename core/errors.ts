/**
 * Every failure the patient can meet has a code; the renderer turns the code into plain words and
 * a next step. Messages carried here are for logs and never contain personal data.
 */
export const kioskErrorCodes = [
  'gateway-unavailable',
  'gateway-rejected',
  'gateway-bad-response',
  'settlement-in-doubt',
  // The gateway settled nothing in the end; whatever the patient paid has been refunded.
  'payment-refunded',
  'payment-expired',
  'voucher-refused',
  // Identified, but no basic medical insurance (310/390) is active: suspended, ended, or only
  // supplements; the kiosk cannot settle, the counter can explain.
  'insurance-inactive',
  'camera-unavailable',
  'face-engine-failed',
  'bill-not-payable',
  'bill-being-checked',
  'printer-not-ready',
  'session-expired',
  'internal',
] as const;
export type KioskErrorCode = (typeof kioskErrorCodes)[number];

/**
 * Failures that stop the face (and so the ID number's face check) but not the e-voucher: their
 * error screen says the QR code still works, and the session takes a scan there as at the start.
 */
export const faceUnavailableErrors: readonly KioskErrorCode[] = [
  'camera-unavailable',
  'face-engine-failed',
];

export class KioskError extends Error {
  override readonly name = 'KioskError';
  constructor(
    readonly code: KioskErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function toKioskError(error: unknown): KioskError {
  if (error instanceof KioskError) return error;
  // Device failures arrive from hardware/ (which core cannot import): recognised by shape.
  const e = error as { name?: unknown; device?: unknown; message?: unknown } | null;
  if (e && e.name === 'DeviceError' && e.device === 'camera') {
    return new KioskError('camera-unavailable', String(e.message), { cause: error });
  }
  if (e && e.name === 'ImageError') {
    return new KioskError('face-engine-failed', String(e.message), { cause: error });
  }
  return new KioskError('internal', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
