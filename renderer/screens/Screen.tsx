/**
 * One screen per session view; one decision per screen. The table has a component for every
 * screen of the contract, so a new screen without one fails typecheck.
 */
import type { ComponentType } from 'react';
import { Bills } from './Bills.tsx';
import { BindDocument, BindDone, BindFace, BindId, BindRelation } from './Binding.tsx';
import { ChooseCash } from './ChooseCash.tsx';
import { Consent } from './Consent.tsx';
import { Done } from './Done.tsx';
import { ErrorScreen } from './ErrorScreen.tsx';
import { FamilyRefused, MemberBills, UnbindConfirm } from './Family.tsx';
import { Home } from './Home.tsx';
import { IdEntry } from './IdEntry.tsx';
import { Identifying } from './Identifying.tsx';
import { Loading } from './Loading.tsx';
import { NotRecognised } from './NotRecognised.tsx';
import { PayingCash } from './PayingCash.tsx';
import { Review } from './Review.tsx';
import type { ScreenName, ScreenProps } from './screen-props.ts';
import { SecondFactor } from './SecondFactor.tsx';

const screens: { [S in ScreenName]: ComponentType<ScreenProps<S>> } = {
  home: Home,
  identifying: Identifying,
  'not-recognised': NotRecognised,
  'id-entry': IdEntry,
  consent: Consent,
  'second-factor': SecondFactor,
  loading: Loading,
  bills: Bills,
  'member-bills': MemberBills,
  'family-refused': FamilyRefused,
  'bind-id': BindId,
  'bind-relation': BindRelation,
  'bind-face': BindFace,
  'bind-document': BindDocument,
  'bind-done': BindDone,
  'unbind-confirm': UnbindConfirm,
  review: Review,
  'choose-cash': ChooseCash,
  'paying-cash': PayingCash,
  done: Done,
  error: ErrorScreen,
};

/** Renders a screen's component; indexing the table through S keeps it paired with its view. */
function render<S extends ScreenName>(screen: S, props: ScreenProps<S>) {
  const Component: ComponentType<ScreenProps<S>> = screens[screen];
  return <Component {...props} />;
}

export function Screen(props: ScreenProps<ScreenName>) {
  return render(props.view.screen, props);
}
