/**
 * The kiosk shell: header (language, sound), the current screen, and a footer whose "call
 * staff" button is on every screen. The session lives in the host; this renders its view.
 */
import { useCallback, useEffect, useState } from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import type { CameraFrame, KioskApi, KioskInfo, Notice, SessionView } from '../core/kiosk-api.ts';
import { BigButton } from './components.tsx';
import { messages, type MessageKey } from './i18n/messages.ts';
import { Screen } from './screens/Screen.tsx';
import { speak, stopSpeaking } from './speech.ts';

type Language = 'zh-CN' | 'en';

export function App({ kiosk }: { kiosk: KioskApi }) {
  const [view, setView] = useState<SessionView>({ screen: 'home' });
  const [info, setInfo] = useState<KioskInfo>();
  const [language, setLanguage] = useState<Language>('zh-CN');

  useEffect(() => {
    const off = kiosk.onView(setView);
    void kiosk.getView().then(setView);
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
    const next: Language = language === 'zh-CN' ? 'en' : 'zh-CN';
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
  const intl = useIntl();
  const t = (id: MessageKey, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const [muted, setMuted] = useState(false);
  const [staffCalled, setStaffCalled] = useState(false);
  const [frame, setFrame] = useState<CameraFrame>();
  const [notice, setNotice] = useState<Notice['notice']>();

  useEffect(() => kiosk.onCameraFrame(setFrame), [kiosk]);
  useEffect(() => kiosk.onNotice((n) => setNotice(n.notice)), [kiosk]);
  useEffect(() => {
    if (notice && !muted) speak(t(`notice.${notice}` as MessageKey), language);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- speak once per notice, not per render
  }, [notice]);

  const speechKey = `speech.${view.screen === 'loading' ? '' : view.screen}` as MessageKey;
  const speechText = speechKey in messages.en ? t(speechKey) : undefined;
  useEffect(() => {
    if (muted || !speechText) return;
    speak(speechText, language);
  }, [speechText, muted, language]);

  const callStaff = () => {
    void kiosk.callStaff();
    setStaffCalled(true);
  };

  return (
    <div className="kiosk" data-screen={view.screen}>
      <header className="bar">
        <span className="hospital">{props.info?.hospitalName ?? ''}</span>
        <div className="bar-actions">
          <button
            type="button"
            className="btn btn-small"
            onClick={props.onSwitchLanguage}
            lang={language === 'zh-CN' ? 'en' : 'zh-CN'}
          >
            {t('lang.switch')}
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
        <Screen kiosk={kiosk} view={view} frame={frame} />
      </main>
      <footer className="bar">
        <BigButton kind="help" onClick={callStaff}>
          {t('staff.call')}
        </BigButton>
      </footer>
      {notice && (
        <div className="dialog-backdrop">
          <div
            className="dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="notice-text"
          >
            <p id="notice-text" className="lead">
              {t(`notice.${notice}` as MessageKey)}
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
              {t('staff.called')}
            </p>
            <BigButton onClick={() => setStaffCalled(false)}>{t('staff.ok')}</BigButton>
          </div>
        </div>
      )}
    </div>
  );
}
