/**
 * Before paying: what the patient pays now, as the largest figure, with the split below in words
 * (the bill's total, what insurance and the account pay).
 */
import { Amount, AmountToPay, BigButton, ScreenFrame, yuan } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function Review({ kiosk, view }: ScreenProps<'review'>) {
  const t = useT();
  const s = view.split;
  // A discharge: the deposits paid are netted off the patient's part.
  const d = view.deposits;
  // The account's line and switch mean something only when it pays, or was switched off: with
  // an empty account (it pays nothing while on) both would be noise.
  const accountMatters = !view.forMember && (!view.useAccount || s.account > 0);
  return (
    <ScreenFrame
      title={t('review.title')}
      className="review"
      actions={
        <>
          <AmountToPay cents={d ? d.due : s.cash} label={t('review.youPay')} />
          <BigButton onClick={act(() => kiosk.confirmPayment())}>{t('review.confirm')}</BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
            {t('common.cancel')}
          </BigButton>
        </>
      }
    >
      {view.forMember && (
        <p className="lead">{t('family.payingFor', { name: view.forMember.maskedName })}</p>
      )}
      <p className="lead">
        {t('bills.item', {
          visit: t(`visit.${view.bill.visitType}`),
          department: view.bill.department,
          date: view.bill.createdAt.slice(0, 10),
        })}
      </p>
      <Amount cents={s.total} label={t('review.total')} />
      <ul className="split">
        <li>{t('review.fund', { amount: yuan(s.fund) })}</li>
        {view.forMember ? (
          // Paying for a relative: the payer's account pays the member's part (mutual aid).
          <li>{t('review.mutualAidForMember', { amount: yuan(s.mutualAid) })}</li>
        ) : (
          <>
            {accountMatters && <li>{t('review.account', { amount: yuan(s.account) })}</li>}
            {s.mutualAid > 0 && <li>{t('review.mutualAid', { amount: yuan(s.mutualAid) })}</li>}
          </>
        )}
        {d ? (
          <>
            <li>{t('review.cashPart', { amount: yuan(s.cash) })}</li>
            <li className="split-deposits">{t('review.deposits', { amount: yuan(d.total) })}</li>
            <li className="split-cash">
              {d.due > 0
                ? t('review.depositsDue', { amount: yuan(d.due) })
                : d.refund > 0
                  ? t('review.depositsRefund', { amount: yuan(d.refund) })
                  : t('review.depositsCover')}
            </li>
          </>
        ) : (
          <li className="split-cash">
            {s.cash > 0 ? t('review.cash', { amount: yuan(s.cash) }) : t('review.cashNone')}
          </li>
        )}
      </ul>
      {accountMatters && (
        <button
          type="button"
          className="btn btn-secondary"
          aria-pressed={view.useAccount}
          onClick={act(() => kiosk.setUseAccount(!view.useAccount))}
        >
          {t('review.useAccount', { state: t(view.useAccount ? 'review.on' : 'review.off') })}
        </button>
      )}
    </ScreenFrame>
  );
}
