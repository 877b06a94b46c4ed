/**
 * The kiosk shell: header (language, sound), the current screen, and a footer whose "call
 * staff" button is on every screen. The session lives in the host; this renders its view.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { IntlProvider } from 'react-intl';
import type {
  KioskApi,
  KioskInfo,
  Notice,
  SessionView,
  StaffCallOutcome,
} from '../core/kiosk-api.ts';
import { languages, type Language } from '../core/vocabulary.ts';
import { AdminLogin, AdminPanel, type SignedIn } from './Admin.tsx';
import { BigButton, SimulatorBanner, StepIndicator } from './components.tsx';
import { inactivityPhase, watchesInactivity } from './inactivity.ts';
import { messages, silentScreens, type MessageKey, type SpokenScreen } from './i18n/messages.ts';
import { useT } from './i18n/translate.ts';
import { outOfServiceSpeech } from './screens/OutOfService.tsx';
import { Screen } from './screens/Screen.tsx';
import { speak, stopSpeaking } from './speech.ts';

/** The language the header's switch offers: the next one, round the list. */
function nextLanguage(language: Language): Language {
  return languages[(languages.indexOf(language) + 1) % languages.length]!;
}

function isSpoken(screen: SessionView['screen']): screen is SpokenScreen {
  return !silentScreens.some((silent) => silent === screen);
}

export function App({ kiosk }: { kiosk: KioskApi }) {
  const [view, setView] = useState<SessionView>({ screen: 'home' });
  const [info, setInfo] = useState<KioskInfo>();
  const [language, setLanguage] = useState<Language>('zh-CN');

  useEffect(() => {
    // The first view is asked for, but a view pushed meanwhile is newer than the answer.
    let pushed = false;
    const off = kiosk.onView((v) => {
      pushed = true;
      setView(v);
    });
    void kiosk.getView().then((v) => {
      if (!pushed) setView(v);
    });
    void kiosk.getInfo().then((i) => {
      setInfo(i);
      setLanguage(i.language);
    });
    return off;
  }, [kiosk]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const switchLanguage = useCallback(() => {
    const next = nextLanguage(language);
    setLanguage(next);
    void kiosk.setLanguage(next);
  }, [kiosk, language]);

  return (
    <IntlProvider locale={language} messages={messages[language]} defaultLocale="zh-CN">
      <Shell
        kiosk={kiosk}
        view={view}
        info={info}
        language={language}
        onSwitchLanguage={switchLanguage}
      />
    </IntlProvider>
  );
}

function Shell(props: {
  kiosk: KioskApi;
  view: SessionView;
  info?: KioskInfo;
  language: Language;
  onSwitchLanguage: () => void;
}) {
  const { kiosk, view, language } = props;
  const t = useT();
  const [muted, setMuted] = useState(false);
  // Care mode: larger type still, for patients who need it.
  const [care, setCare] = useState(false);
  // What the patient is told after "call staff": only what the host says happened.
  const [staffCalled, setStaffCalled] = useState<StaffCallOutcome | 'calling'>();
  const [notice, setNotice] = useState<Notice['notice']>();

  useEffect(() => kiosk.onNotice((n) => setNotice(n.notice)), [kiosk]);
  useEffect(() => {
    if (notice && !muted) speak(t(`notice.${notice}`), language, props.info?.speech);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- speak once per notice, not per render
  }, [notice]);

  // Liveness steps are spoken as they are asked for; otherwise each screen says its one line.
  const challenge =
    (view.screen === 'identifying' || view.screen === 'bind-face') &&
    (view.hint === 'blink' || view.hint === 'turn-left' || view.hint === 'turn-right')
      ? view.hint
      : undefined;
  // A payment in doubt, and every failure, is said in its own words, not a generic apology.
  const speechKey: MessageKey | undefined = challenge
    ? `identify.hint.${challenge}`
    : view.screen === 'error'
      ? `error.${view.error}`
      : view.screen === 'loading' && view.what === 'settlement-check'
        ? 'loading.settlement-check'
        : view.screen === 'home' && view.outOfService
          ? outOfServiceSpeech(view.outOfService)
          : isSpoken(view.screen)
            ? `speech.${view.screen}`
            : undefined;
  const speechText = speechKey && t(speechKey);
  useEffect(() => {
    if (muted || !speechText) return;
    speak(speechText, language, props.info?.speech);
  }, [speechText, muted, language, props.info?.speech]);

  const [admin, setAdmin] = useState<'closed' | 'login' | 'open'>('closed');
  const [staffMember, setStaffMember] = useState<SignedIn>();
  // Inactivity: the warning after a quiet spell; one tap gives more time. Testers may shorten it
  // in simulator mode with ?inactivity=WARN,COUNTDOWN (seconds).
  const [lastActivity, setLastActivity] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const lastPing = useRef(0);
  const timing = inactivityTiming(props.info);
  const watching = watchesInactivity(view.screen) && admin === 'closed';
  useEffect(() => {
    if (!watching) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [watching]);
  // A new screen is a fresh start for the patient's attention.
  useEffect(() => kiosk.onView(() => setLastActivity(Date.now())), [kiosk]);
  const phase = watching
    ? inactivityPhase(now, lastActivity, timing.warn, timing.countdown)
    : { phase: 'active' as const };
  useEffect(() => {
    if (phase.phase !== 'expired') return;
    const reset =
      view.screen === 'done' || view.screen === 'error' || view.screen === 'not-recognised'
        ? kiosk.finish()
        : kiosk.cancel();
    void reset.catch(() => undefined).finally(() => setLastActivity(Date.now()));
  }, [phase.phase, kiosk, view.screen]);
  const activity = () => {
    const t0 = Date.now();
    setLastActivity(t0);
    setNow(t0);
    if (t0 - lastPing.current > 5000) {
      lastPing.current = t0;
      void kiosk.stillHere().catch(() => undefined);
    }
  };

  // The hidden admin entry: hold the top-left corner for three seconds.
  const pressTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const cornerDown = () => {
    pressTimer.current = setTimeout(() => setAdmin('login'), 3000);
  };
  const cornerUp = () => clearTimeout(pressTimer.current);

  const callStaff = () => {
    setStaffCalled('calling');
    kiosk.callStaff().then(
      (r) => setStaffCalled((shown) => (shown === undefined ? undefined : r.outcome)),
      () => setStaffCalled((shown) => (shown === undefined ? undefined : 'not-connected')),
    );
  };

  return (
    <div
      className={care ? 'kiosk care' : 'kiosk'}
      data-screen={view.screen}
      onPointerDownCapture={activity}
    >
      <div
        className="admin-corner"
        data-testid="admin-corner"
        onPointerDown={cornerDown}
        onPointerUp={cornerUp}
        onPointerLeave={cornerUp}
      />
      <SimulatorBanner mode={props.info?.mode} />
      <header className="bar">
        <span className="hospital">{props.info?.hospitalName ?? ''}</span>
        <div className="bar-actions">
          <button
            type="button"
            className="btn btn-small"
            onClick={props.onSwitchLanguage}
            lang={nextLanguage(language)}
          >
            {t('lang.switch')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={care}
            onClick={() => setCare(!care)}
          >
            {t('care.toggle')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={muted}
            onClick={() => {
              if (!muted) stopSpeaking();
              setMuted(!muted);
            }}
          >
            {muted ? t('sound.unmute') : t('sound.mute')}
          </button>
        </div>
      </header>
      <main className="content" aria-live="polite">
        <StepIndicator view={view} />
        <Screen kiosk={kiosk} view={view} info={props.info} />
      </main>
      <footer className="bar">
        <BigButton kind="help" onClick={callStaff}>
          {t('staff.call')}
        </BigButton>
      </footer>
      {phase.phase === 'warning' && (
        <div className="dialog-backdrop">
          <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-title">
            <h1 id="idle-title">{t('inactivity.title')}</h1>
            <p className="lead">{t('inactivity.body', { seconds: String(phase.secondsLeft) })}</p>
            <BigButton onClick={activity}>{t('inactivity.more')}</BigButton>
          </div>
        </div>
      )}
      {admin === 'login' && (
        <AdminLogin
          kiosk={kiosk}
          onOpen={(who) => {
            setStaffMember(who);
            setAdmin('open');
          }}
          onClose={() => setAdmin('closed')}
        />
      )}
      {admin === 'open' && (
        <AdminPanel kiosk={kiosk} who={staffMember} onClose={() => setAdmin('closed')} />
      )}
      {notice && (
        <div className="dialog-backdrop">
          <div
            className="dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="notice-text"
          >
            <p id="notice-text" className="lead">
              {t(`notice.${notice}`)}
            </p>
            <BigButton onClick={() => setNotice(undefined)}>{t('notice.ok')}</BigButton>
          </div>
        </div>
      )}
      {staffCalled && (
        <div className="dialog-backdrop">
          <div
            className="dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="staff-called"
          >
            <p id="staff-called" className="lead">
              {t(STAFF_CALL_MESSAGE[staffCalled])}
            </p>
            <BigButton onClick={() => setStaffCalled(undefined)}>{t('staff.ok')}</BigButton>
          </div>
        </div>
      )}
    </div>
  );
}

const STAFF_CALL_MESSAGE = {
  calling: 'staff.calling',
  sent: 'staff.called',
  queued: 'staff.queued',
  'not-connected': 'staff.notConnected',
} as const satisfies Record<StaffCallOutcome | 'calling', MessageKey>;

function inactivityTiming(info?: KioskInfo): { warn: number; countdown: number } {
  const fallback = {
    warn: info?.inactivity.warnAfterSeconds ?? 90,
    countdown: info?.inactivity.countdownSeconds ?? 30,
  };
  if (info?.mode !== 'simulator') return fallback;
  const m = /^(\d{1,4}),(\d{1,4})$/.exec(
    new URLSearchParams(location.search).get('inactivity') ?? '',
  );
  return m ? { warn: Number(m[1]), countdown: Number(m[2]) } : fallback;
}
