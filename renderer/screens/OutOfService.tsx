/**
 * The home screen while the kiosk cannot take payments (host/service-health.ts): out of
 * service, go to the counter, why, and what still works here. Nothing to tap that would fail.
 */
import type { OutOfService as OutOfServiceState } from '../../core/kiosk-api.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { useT } from '../i18n/translate.ts';

/** The spoken line: what the screen says first, and what the patient can still do. */
export function outOfServiceSpeech(state: OutOfServiceState): MessageKey {
  return state.stillWorks.includes('call-staff')
    ? 'outOfService.speechCallStaff'
    : 'outOfService.speech';
}

export function OutOfService({ state }: { state: OutOfServiceState }) {
  const t = useT();
  return (
    <section className="screen out-of-service" aria-labelledby="title">
      <h1 id="title">{t('outOfService.title')}</h1>
      <p className="lead" role="alert">
        {t('outOfService.goToCounter')}
      </p>
      {state.reasons.map((reason) => (
        <p key={reason}>{t(`outOfService.reason.${reason}`)}</p>
      ))}
      {state.stillWorks.map((service) => (
        <p key={service} className="lead">
          {t(`outOfService.stillWorks.${service}`)}
        </p>
      ))}
    </section>
  );
}
