/** What every screen component is given, and how its buttons call the kiosk. */
import type { KioskApi, KioskInfo, SessionView } from '../../core/kiosk-api.ts';

export type ScreenName = SessionView['screen'];
export type View<S extends ScreenName> = Extract<SessionView, { screen: S }>;

export interface ScreenProps<S extends ScreenName> {
  kiosk: KioskApi;
  view: View<S>;
  info?: KioskInfo;
}

/**
 * A button's call to the kiosk. What it starts reaches the screen as the next view, and a refused
 * call (a second tap on a screen already left) changes nothing, so the button ignores both.
 */
export const act = (call: () => Promise<unknown>) => () => void call().catch(() => undefined);
