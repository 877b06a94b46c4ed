/** Family-account screens: members and their bills, refusals in plain words, binding, unbinding. */
import { useState, type ReactNode } from 'react';
import { useIntl } from 'react-intl';
import type { KioskApi, SessionView } from '../../core/kiosk-api.ts';
import { BigButton, yuan } from '../components.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { IdNumberEntry } from '../IdNumberEntry.tsx';
import { Keypad } from '../Keypad.tsx';

type View<S extends SessionView['screen']> = Extract<SessionView, { screen: S }>;
type T = (id: MessageKey, values?: Record<string, string>) => string;

function useT(): T {
  const intl = useIntl();
  return (id, values) => intl.formatMessage({ id }, values);
}

const act = (call: () => Promise<unknown>) => () => void call().catch(() => undefined);

/** The family part of the bills screen. */
export function FamilySection({ kiosk, view }: { kiosk: KioskApi; view: View<'bills'> }) {
  const t = useT();
  if (!view.family) return null;
  const relation = (r: string) => t(`family.relation.${r}` as MessageKey);
  return (
    <section className="family" aria-labelledby="family-title">
      <h2 id="family-title">{t('family.title')}</h2>
      <ul className="bills">
        {view.family.members.map((m) => (
          <li key={m.bindingId} className="family-row">
            <button
              type="button"
              className="bill"
              onClick={act(() => kiosk.openMember(m.bindingId))}
            >
              {t('family.payFor', {
                name: m.maskedName,
                relation: relation(m.relation),
                count: String(m.unpaidBills),
              })}
            </button>
            <BigButton kind="secondary" onClick={act(() => kiosk.startUnbind(m.bindingId))}>
              {t('family.remove', { name: m.maskedName })}
            </BigButton>
          </li>
        ))}
        {view.family.boundBy.map((m) => (
          <li key={m.bindingId} className="family-row">
            <span className="lead">
              {t('family.boundBy', { name: m.maskedName, relation: relation(m.relation) })}
            </span>
            <BigButton kind="secondary" onClick={act(() => kiosk.startUnbind(m.bindingId))}>
              {t('family.remove', { name: m.maskedName })}
            </BigButton>
          </li>
        ))}
      </ul>
      <BigButton kind="secondary" onClick={act(() => kiosk.startBind())}>
        {t('family.add')}
      </BigButton>
      {view.quota && (
        <p className="note">
          {t('family.quota', {
            remaining: String(view.quota.remaining),
            date: view.quota.resetsOn,
          })}
        </p>
      )}
    </section>
  );
}

export function MemberBills({ kiosk, view }: { kiosk: KioskApi; view: View<'member-bills'> }) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('family.memberTitle', { name: view.member.maskedName })}</h1>
      {view.bills.length === 0 && <p className="lead">{t('bills.none')}</p>}
      <ul className="bills">
        {view.bills.map((bill) => (
          <li key={bill.id}>
            <button type="button" className="bill" onClick={act(() => kiosk.selectBill(bill.id))}>
              <span>
                {t(`visit.${bill.visitType}` as MessageKey)} · {bill.department} ·{' '}
                {bill.createdAt.slice(0, 10)}
                {view.excluded.includes(bill.id) && (
                  <span className="bill-note">{t('family.excluded')}</span>
                )}
              </span>
              <span className="bill-total">{yuan(bill.total)}</span>
            </button>
          </li>
        ))}
      </ul>
      <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
        {t('family.back')}
      </BigButton>
    </section>
  );
}

export function FamilyRefused({ kiosk, view }: { kiosk: KioskApi; view: View<'family-refused'> }) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('family.refusedTitle')}</h1>
      <p className="lead" role="alert">
        {t(`family.rule.${view.rule}` as MessageKey)}
      </p>
      {view.resetsOn && <p className="lead">{t('family.resets', { date: view.resetsOn })}</p>}
      <BigButton onClick={act(() => kiosk.backToBills())}>{t('family.back')}</BigButton>
    </section>
  );
}

export function BindId({ kiosk, view }: { kiosk: KioskApi; view: View<'bind-id'> }) {
  const t = useT();
  return (
    <IdNumberEntry
      title={t('family.bindTitle')}
      submitLabel={t('family.bindNext')}
      submit={async (id) => (await kiosk.submitBindId(id)).accepted}
      cancel={act(() => kiosk.backToBills())}
      note={
        view.quota && (
          <p className="note">
            {t('family.quota', {
              remaining: String(view.quota.remaining),
              date: view.quota.resetsOn,
            })}
          </p>
        )
      }
    />
  );
}

export function BindRelation({ kiosk, view }: { kiosk: KioskApi; view: View<'bind-relation'> }) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('family.relationTitle')}</h1>
      {(['spouse', 'parent', 'child', 'other'] as const).map((r) => (
        <BigButton key={r} onClick={act(() => kiosk.chooseRelation(r))}>
          {t(`family.relation.${r}`)}
        </BigButton>
      ))}
      <p className="note">
        {view.verification === 'face' ? t('family.faceNote') : t('family.documentNote')}
      </p>
      <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}

export function BindFace({
  kiosk,
  view,
  camera,
}: {
  kiosk: KioskApi;
  view: View<'bind-face'>;
  camera: ReactNode;
}) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('family.faceTitle')}</h1>
      {camera}
      <p className="lead" role="status">
        {t(`identify.hint.${view.hint}` as MessageKey)}
      </p>
      <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}

export function BindDocument({ kiosk }: { kiosk: KioskApi }) {
  const t = useT();
  const [type, setType] = useState<'03' | '02'>('03');
  const [number, setNumber] = useState('');
  const [step, setStep] = useState<'number' | 'pin'>('number');
  const [pin, setPin] = useState('');
  const [wrong, setWrong] = useState(false);
  const submit = () =>
    void kiosk
      .submitBindDocument({ documentType: type, documentNumber: number, staffPin: pin })
      .then(
        (r) => {
          setPin('');
          setWrong(!r.accepted);
        },
        () => setWrong(true),
      );
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('family.docTitle')}</h1>
      {step === 'number' ? (
        <>
          <div className="toggle-row" role="group" aria-label={t('family.docNumber')}>
            <button
              type="button"
              className="btn btn-secondary"
              aria-pressed={type === '03'}
              onClick={() => setType('03')}
            >
              {t('family.docBirth')}
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              aria-pressed={type === '02'}
              onClick={() => setType('02')}
            >
              {t('family.docHousehold')}
            </button>
          </div>
          <Keypad
            value={number}
            onChange={setNumber}
            onSubmit={() => setStep('pin')}
            maxLength={30}
            extraKey="X"
            submitLabel={t('family.docNext')}
            label={t('family.docNumber')}
          />
        </>
      ) : (
        <>
          {wrong && (
            <p className="lead" role="alert">
              {t('family.staffWrong')}
            </p>
          )}
          <Keypad
            value={pin}
            onChange={setPin}
            onSubmit={submit}
            maxLength={12}
            masked
            submitLabel={t('family.staffConfirm')}
            label={t('family.staffPin')}
          />
        </>
      )}
      <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}

export function BindDone({ kiosk, view }: { kiosk: KioskApi; view: View<'bind-done'> }) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('family.doneTitle', { name: view.member.maskedName })}</h1>
      <p className="lead">{t('family.doneBody')}</p>
      <BigButton onClick={act(() => kiosk.backToBills())}>{t('family.back')}</BigButton>
    </section>
  );
}

export function UnbindConfirm({ kiosk, view }: { kiosk: KioskApi; view: View<'unbind-confirm'> }) {
  const t = useT();
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('family.unbindTitle', { name: view.member.maskedName })}</h1>
      <p className="lead">{t('family.unbindBody')}</p>
      <BigButton onClick={act(() => kiosk.confirmUnbind())}>{t('family.unbindConfirm')}</BigButton>
      <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}
