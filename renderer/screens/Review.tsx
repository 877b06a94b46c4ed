/** The split in plain words before paying: what insurance, the account and the patient pay. */
import { Amount, BigButton, yuan } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function Review({ kiosk, view }: ScreenProps<'review'>) {
  const t = useT();
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
