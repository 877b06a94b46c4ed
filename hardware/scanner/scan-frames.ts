/**
 * Turns the byte stream of a serial QR scanner into scanned texts. A scanner sends each code
 * followed by a suffix (CR, LF or CRLF), or with no suffix, when only a pause marks the end; the
 * operating system hands the bytes over in arbitrary chunks, so one code may arrive in several
 * pieces and several codes in one piece. Pieces that cannot be a code (control characters, bad
 * UTF-8, line noise from a loose cable) and lines longer than the limit are rejected, never
 * passed on partly.
 */
import type { Clock } from '../clock.ts';

export type Terminator = 'CR' | 'LF' | 'CRLF' | { idleMs: number };

export type FrameRejection = 'non-printable' | 'too-long';

export interface FrameSink {
  frame(text: string): void;
  /** `length` is the byte count seen so far; the content is withheld (it may be a payment code). */
  reject(code: FrameRejection, length: number): void;
}

const CR = 0x0d;
const LF = 0x0a;
// Control, format, private-use and surrogate code points: nothing a QR code meant for us holds.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** The scanned text, or why it is not one. Scanners send UTF-8 (or its ASCII subset). */
export function decodeFrame(bytes: Uint8Array): { text: string } | { rejected: FrameRejection } {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { rejected: 'non-printable' };
  }
  return NON_PRINTABLE.test(text) ? { rejected: 'non-printable' } : { text };
}

/** Checks a text that did not come as bytes (the simulator) by the same rules. */
export function checkText(text: string, maxLength: number): FrameRejection | undefined {
  const bytes = encoder.encode(text);
  if (bytes.length > maxLength) return 'too-long';
  const decoded = decodeFrame(bytes);
  return 'rejected' in decoded ? decoded.rejected : undefined;
}

export class FrameAssembler {
  private readonly buffer: Uint8Array;
  private length = 0;
  /** Bytes seen of a line already reported too long; it is skipped up to its end. */
  private overflow = 0;
  /** CRLF mode: a CR that may be the first half of the terminator. */
  private pendingCr = false;
  private cancelIdle: (() => void) | undefined;

  constructor(
    private readonly terminator: Terminator,
    private readonly maxLength: number,
    private readonly clock: Clock,
    private readonly sink: FrameSink,
  ) {
    this.buffer = new Uint8Array(maxLength);
  }

  push(chunk: Uint8Array): void {
    for (const byte of chunk) this.byte(byte);
    if (typeof this.terminator === 'object' && (this.length > 0 || this.overflow > 0)) {
      this.cancelIdle?.();
      this.cancelIdle = this.clock.setTimeout(() => {
        this.cancelIdle = undefined;
        this.finish();
      }, this.terminator.idleMs);
    }
  }

  /**
   * Skips, silently, the rest of a line already begun: its start went to nobody (bytes that
   * arrived before the scanner was enabled), so its tail is not a code.
   */
  discardCurrent(): void {
    if (this.length === 0) return;
    this.overflow = this.length;
    this.length = 0;
  }

  /** Forgets a partial line (when the port goes away: the next byte starts afresh). */
  reset(): void {
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    this.length = 0;
    this.overflow = 0;
    this.pendingCr = false;
  }

  private byte(b: number): void {
    const t = this.terminator;
    if (t === 'CRLF') {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (b === LF) return this.finish();
        this.append(CR);
      }
      if (b === CR) {
        this.pendingCr = true;
        return;
      }
    } else if ((t === 'CR' && b === CR) || (t === 'LF' && b === LF)) {
      return this.finish();
    }
    // Line breaks before a code are noise between codes (a CRLF scanner on a CR setting, or a
    // suffix in idle mode), not part of the next code.
    if ((b === CR || b === LF) && this.length === 0 && this.overflow === 0) return;
    this.append(b);
  }

  private append(b: number): void {
    if (this.overflow > 0) {
      this.overflow++;
      return;
    }
    if (this.length === this.maxLength) {
      // Reported now rather than at the line's end: a line that never ends must still be heard of.
      this.overflow = this.length + 1;
      this.length = 0;
      this.sink.reject('too-long', this.overflow);
      return;
    }
    this.buffer[this.length++] = b;
  }

  private finish(): void {
    let end = this.length;
    if (typeof this.terminator === 'object') {
      while (end > 0 && (this.buffer[end - 1] === CR || this.buffer[end - 1] === LF)) end--;
    }
    const bytes = this.buffer.slice(0, end);
    const skipped = this.overflow > 0;
    this.reset();
    if (skipped || bytes.length === 0) return;
    const decoded = decodeFrame(bytes);
    if ('rejected' in decoded) this.sink.reject(decoded.rejected, bytes.length);
    else this.sink.frame(decoded.text);
  }
}

/**
 * Scanners re-read a code for as long as it is held in front of them. The same text again
 * within `windowMs` of the last time it was seen is the same scan; the window slides, so a phone
 * held still for ten seconds is one scan, and the code counts again once it has been away.
 */
export class DuplicateFilter {
  private last: { text: string; seenAt: number } | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** True when the text is a new scan. */
  accept(text: string): boolean {
    const now = this.clock.now();
    const repeat = this.last?.text === text && now - this.last.seenAt < this.windowMs;
    this.last = { text, seenAt: now };
    return !repeat;
  }

  reset(): void {
    this.last = undefined;
  }
}
