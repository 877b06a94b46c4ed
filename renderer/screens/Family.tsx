/** Family-account screens: members and their bills, refusals in plain words, unbinding. */
import { BillButton } from './BillButton.tsx';
import type { FamilyRelation } from '../../core/vocabulary.ts';
import { BigButton, ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

/** The family part of the bills screen. */
export function FamilySection({ kiosk, view }: ScreenProps<'bills'>) {
  const t = useT();
  if (!view.family) return null;
  const relation = (r: FamilyRelation) => t(`family.relation.${r}`);
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

export function MemberBills({ kiosk, view }: ScreenProps<'member-bills'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('family.memberTitle', { name: view.member.maskedName })}
      className="list-screen"
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
          {t('family.back')}
        </BigButton>
      }
    >
      {view.bills.length === 0 && <p className="lead">{t('bills.none')}</p>}
      <ul className="bills">
        {view.bills.map((bill) => (
          <li key={bill.id}>
            <BillButton
              bill={bill}
              label={`${t(`visit.${bill.visitType}`)} · ${bill.department} · ${bill.createdAt.slice(0, 10)}`}
              note={view.excluded.includes(bill.id) ? t('family.excluded') : undefined}
              onSelect={act(() => kiosk.selectBill(bill.id))}
            />
          </li>
        ))}
      </ul>
    </ScreenFrame>
  );
}

export function FamilyRefused({ kiosk, view }: ScreenProps<'family-refused'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('family.refusedTitle')}
      actions={<BigButton onClick={act(() => kiosk.backToBills())}>{t('family.back')}</BigButton>}
    >
      <p className="lead" role="alert">
        {t(`family.rule.${view.rule}`)}
      </p>
      {view.resetsOn && <p className="lead">{t('family.resets', { date: view.resetsOn })}</p>}
    </ScreenFrame>
  );
}

export function UnbindConfirm({ kiosk, view }: ScreenProps<'unbind-confirm'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('family.unbindTitle', { name: view.member.maskedName })}
      actions={
        <>
          <BigButton onClick={act(() => kiosk.confirmUnbind())}>
            {t('family.unbindConfirm')}
          </BigButton>
          <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
            {t('common.cancel')}
          </BigButton>
        </>
      }
    >
      <p className="lead">{t('family.unbindBody')}</p>
    </ScreenFrame>
  );
}
