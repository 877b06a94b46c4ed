/**
 * What a flow gets from the controller when a state starts its work: the ports, a way to apply
 * events that is dropped once the session has moved on, and the camera hint. Flows never set the
 * state themselves: every change goes through `transition`.
 */
import type { Language } from '../domain.ts';
import type { SessionControllerOptions } from '../ports.ts';
import type { SessionEvent, SessionState } from '../session-state.ts';
import type { FaceHint } from '../vocabulary.ts';

export interface Flow {
  readonly deps: SessionControllerOptions;
  /** Aborted when the patient cancels or the session moves to other work. */
  readonly signal: AbortSignal;
  /** Applies an event, unless the session has moved on since this work started. */
  apply(event: SessionEvent): void;
  /** Updates the camera screen's hint while this work is still the session's. */
  hint(hint: FaceHint): void;
  /** Whether the session is still the one this work was started for. */
  isCurrent(): boolean;
  current(): SessionState;
  language(): Language;
}
