/** One screen per session view; one decision per screen. */
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import type { CameraFrame, KioskApi, KioskInfo, SessionView } from '../../core/kiosk-api.ts';
import { CameraFeed } from '../CameraFeed.tsx';
import { Amount, BigButton, QrImage, yuan } from '../components.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { IdNumberEntry } from '../IdNumberEntry.tsx';
import { Keypad } from '../Keypad.tsx';
import {
  BindDocument,
  BindDone,
  BindFace,
  BindId,
  BindRelation,
  FamilyRefused,
  FamilySection,
  MemberBills,
  UnbindConfirm,
} from './Family.tsx';

/** The done screen returns to the start by itself after this long; the patient can tap Finish sooner. */
const DONE_RETURN_MS = 30_000;

export function Screen({
  kiosk,
  view,
  frame,
  info,
}: {
  kiosk: KioskApi;
  view: SessionView;
  frame?: CameraFrame;
  info?: KioskInfo;
}) {
  const intl = useIntl();
  const t = (id: MessageKey, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const act = (call: () => Promise<void>) => () => void call().catch(() => undefined);

  useEffect(() => {
    if (view.screen !== 'done') return;
    const timer = setTimeout(() => void kiosk.finish().catch(() => undefined), DONE_RETURN_MS);
    return () => clearTimeout(timer);
  }, [kiosk, view.screen]);

  switch (view.screen) {
    case 'home':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('home.welcome')}</h1>
          <BigButton onClick={act(() => kiosk.payWithFace())}>{t('home.payWithFace')}</BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.payWithIdNumber())}>
            {t('home.payWithId')}
          </BigButton>
          <p className="note">{t('home.faceNote')}</p>
          <p className="note">{t('home.qrNote')}</p>
        </section>
      );
    case 'identifying':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('identify.title')}</h1>
          <Camera kiosk={kiosk} frame={frame} info={info} />
          <p className="lead" role="status">
            {t(`identify.hint.${view.hint}` as MessageKey)}
          </p>
          <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
            {t('common.cancel')}
          </BigButton>
        </section>
      );
    case 'id-entry':
      return <IdEntry kiosk={kiosk} />;
    case 'consent':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('consent.title')}</h1>
          <p className="lead">{t('consent.body')}</p>
          <BigButton onClick={act(() => kiosk.answerConsent(true))}>{t('consent.agree')}</BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.answerConsent(false))}>
            {t('consent.decline')}
          </BigButton>
          <p className="note">{t('consent.other')}</p>
        </section>
      );
    case 'second-factor':
      return <SecondFactor kiosk={kiosk} />;
    case 'member-bills':
      return <MemberBills kiosk={kiosk} view={view} />;
    case 'family-refused':
      return <FamilyRefused kiosk={kiosk} view={view} />;
    case 'bind-id':
      return <BindId kiosk={kiosk} view={view} />;
    case 'bind-relation':
      return <BindRelation kiosk={kiosk} view={view} />;
    case 'bind-face':
      return (
        <BindFace
          kiosk={kiosk}
          view={view}
          camera={<Camera kiosk={kiosk} frame={frame} info={info} />}
        />
      );
    case 'bind-document':
      return <BindDocument kiosk={kiosk} />;
    case 'bind-done':
      return <BindDone kiosk={kiosk} view={view} />;
    case 'unbind-confirm':
      return <UnbindConfirm kiosk={kiosk} view={view} />;
    case 'not-recognised':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('notRecognised.title')}</h1>
          <p className="lead">{t('notRecognised.body')}</p>
          <BigButton onClick={act(() => kiosk.payWithFace())}>{t('notRecognised.retry')}</BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.finish())}>
            {t('common.home')}
          </BigButton>
        </section>
      );
    case 'loading':
      return (
        <section className="screen" aria-busy="true" aria-labelledby="title">
          <h1 id="title">{t(`loading.${view.what}` as MessageKey)}</h1>
        </section>
      );
    case 'bills':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('bills.title', { name: view.patient.maskedName })}</h1>
          {view.bills.length === 0 && <p className="lead">{t('bills.none')}</p>}
          <ul className="bills">
            {view.bills.map((bill) => (
              <li key={bill.id}>
                <button
                  type="button"
                  className="bill"
                  onClick={act(() => kiosk.selectBill(bill.id))}
                >
                  <span>
                    {t('bills.item', {
                      visit: t(`visit.${bill.visitType}` as MessageKey),
                      department: bill.department,
                      date: bill.createdAt.slice(0, 10),
                    })}
                  </span>
                  <span className="bill-total">{yuan(bill.total)}</span>
                </button>
              </li>
            ))}
          </ul>
          <FamilySection kiosk={kiosk} view={view} />
          <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
            {t('common.back')}
          </BigButton>
        </section>
      );
    case 'review': {
      const s = view.split;
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('review.title')}</h1>
          {view.forMember && (
            <p className="lead">{t('family.payingFor', { name: view.forMember.maskedName })}</p>
          )}
          <Amount cents={s.total} label={t('review.total')} />
          <ul className="split">
            <li>{t('review.fund', { amount: yuan(s.fund) })}</li>
            {view.forMember ? (
              // Paying for a relative: the payer's account pays the member's part (mutual aid).
              <li>{t('review.mutualAidForMember', { amount: yuan(s.mutualAid) })}</li>
            ) : (
              <>
                <li>{t('review.account', { amount: yuan(s.account) })}</li>
                {s.mutualAid > 0 && <li>{t('review.mutualAid', { amount: yuan(s.mutualAid) })}</li>}
              </>
            )}
            <li className="split-cash">
              {s.cash > 0 ? t('review.cash', { amount: yuan(s.cash) }) : t('review.cashNone')}
            </li>
          </ul>
          {!view.forMember && (
            <button
              type="button"
              className="btn btn-secondary"
              aria-pressed={view.useAccount}
              onClick={act(() => kiosk.setUseAccount(!view.useAccount))}
            >
              {t('review.useAccount', { state: t(view.useAccount ? 'review.on' : 'review.off') })}
            </button>
          )}
          <BigButton onClick={act(() => kiosk.confirmPayment())}>{t('review.confirm')}</BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
            {t('common.cancel')}
          </BigButton>
        </section>
      );
    }
    case 'choose-cash':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('cash.title', { amount: yuan(view.cash) })}</h1>
          <p className="note">{t('cash.walletNote')}</p>
          <BigButton onClick={act(() => kiosk.chooseCashMethod('mobile'))}>
            {t('cash.mobile')}
          </BigButton>
          {view.credit && (
            <>
              <BigButton onClick={act(() => kiosk.chooseCashMethod('credit'))}>
                {t('cash.credit')}
              </BigButton>
              <p className="note">
                {t('cash.creditNote', {
                  available: yuan(view.credit.available),
                  date: view.credit.repayDate,
                })}
              </p>
            </>
          )}
          <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
            {t('common.cancel')}
          </BigButton>
        </section>
      );
    case 'paying-cash':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('pay.title', { amount: yuan(view.amount) })}</h1>
          <figure className="ereceipt">
            <QrImage text={view.codeUrl} label={t('pay.qr')} />
          </figure>
          <p className="lead" role="status">
            {t('pay.waiting', { time: view.expiresAt.slice(11, 16) })}
          </p>
          <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
            {t('common.cancel')}
          </BigButton>
        </section>
      );
    case 'done': {
      const s = view.split;
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('done.title')}</h1>
          <p className="lead">
            {t('done.paid', {
              amount: yuan(s.total),
              fund: yuan(s.fund),
              account: yuan(s.account + s.mutualAid),
              cash: yuan(s.cash),
            })}
          </p>
          {view.method === 'credit' && view.repayDate && (
            <p className="lead">{t('done.credit', { date: view.repayDate })}</p>
          )}
          <p className="lead">
            {view.receipt === 'printed' ? t('done.printed') : t('done.notPrinted')}
          </p>
          <figure className="ereceipt">
            <QrImage text={view.eReceiptUrl} label={t('done.eReceipt')} />
            <figcaption>{t('done.eReceipt')}</figcaption>
          </figure>
          <BigButton onClick={act(() => kiosk.finish())}>{t('done.finish')}</BigButton>
        </section>
      );
    }
    case 'error':
      return (
        <section className="screen" aria-labelledby="title">
          <h1 id="title">{t('error.title')}</h1>
          <p className="lead" role="alert">
            {t(`error.${view.error}` as MessageKey)}
          </p>
          <BigButton onClick={act(() => kiosk.finish())}>{t('common.home')}</BigButton>
        </section>
      );
  }
}

function IdEntry({ kiosk }: { kiosk: KioskApi }) {
  const intl = useIntl();
  return (
    <IdNumberEntry
      title={intl.formatMessage({ id: 'id.title' })}
      submitLabel={intl.formatMessage({ id: 'id.next' })}
      submit={async (id) => (await kiosk.submitIdNumber(id)).accepted}
      cancel={() => void kiosk.cancel().catch(() => undefined)}
    />
  );
}

function SecondFactor({ kiosk }: { kiosk: KioskApi }) {
  const intl = useIntl();
  const t = (id: MessageKey) => intl.formatMessage({ id });
  const [value, setValue] = useState('');
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('second.title')}</h1>
      <Keypad
        value={value}
        onChange={setValue}
        onSubmit={() => void kiosk.submitSecondFactor(value).catch(() => undefined)}
        maxLength={4}
        extraKey="X"
        submitLabel={t('second.ok')}
        label={t('second.label')}
      />
      <BigButton kind="secondary" onClick={() => void kiosk.cancel().catch(() => undefined)}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}

/** What the patient sees of themselves: this window's own camera, or the host's preview frames. */
function Camera({
  kiosk,
  frame,
  info,
}: {
  kiosk: KioskApi;
  frame?: CameraFrame;
  info?: KioskInfo;
}) {
  return (
    <div className="camera">
      {info?.camera.source === 'renderer' ? (
        <CameraFeed kiosk={kiosk} config={info.camera} />
      ) : (
        frame && <img src={frame.dataUrl} alt="" width={frame.width} height={frame.height} />
      )}
    </div>
  );
}
