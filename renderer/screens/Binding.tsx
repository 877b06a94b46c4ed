/**
 * Binding a family member: their ID number, the relation, then their face (16 and over) or their
 * documents confirmed with a staff PIN (under 16).
 */
import { useState } from 'react';
import { familyRelations, type DocumentType } from '../../core/vocabulary.ts';
import { Camera } from '../Camera.tsx';
import { BigButton, ScreenFrame } from '../components.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { useT } from '../i18n/translate.ts';
import { IdNumberEntry } from '../IdNumberEntry.tsx';
import { Keypad } from '../Keypad.tsx';
import { act, type ScreenProps } from './screen-props.ts';

/** The documents staff can check for a child; the first is selected to begin with. */
const childDocuments = [
  { type: '03', label: 'family.docBirth' },
  { type: '02', label: 'family.docHousehold' },
] as const satisfies readonly { type: DocumentType; label: MessageKey }[];

export function BindId({ kiosk, view }: ScreenProps<'bind-id'>) {
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

export function BindRelation({ kiosk, view }: ScreenProps<'bind-relation'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('family.relationTitle')}
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
          {t('common.cancel')}
        </BigButton>
      }
    >
      <div className="choices">
        {familyRelations.map((r) => (
          <BigButton key={r} onClick={act(() => kiosk.chooseRelation(r))}>
            {t(`family.relation.${r}`)}
          </BigButton>
        ))}
      </div>
      <p className="note">
        {view.verification === 'face' ? t('family.faceNote') : t('family.documentNote')}
      </p>
    </ScreenFrame>
  );
}

export function BindFace({ kiosk, view, frame, info }: ScreenProps<'bind-face'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('family.faceTitle')}
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
          {t('common.cancel')}
        </BigButton>
      }
    >
      <Camera kiosk={kiosk} frame={frame} info={info} />
      <p className="lead" role="status">
        {t(`identify.hint.${view.hint}`)}
      </p>
    </ScreenFrame>
  );
}

export function BindDocument({ kiosk }: ScreenProps<'bind-document'>) {
  const t = useT();
  const [type, setType] = useState<DocumentType>(childDocuments[0].type);
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
    <ScreenFrame
      title={t('family.docTitle')}
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
          {t('common.cancel')}
        </BigButton>
      }
    >
      {step === 'number' ? (
        <>
          <div className="toggle-row" role="group" aria-label={t('family.docNumber')}>
            {childDocuments.map((doc) => (
              <button
                key={doc.type}
                type="button"
                className="btn btn-secondary"
                aria-pressed={type === doc.type}
                onClick={() => setType(doc.type)}
              >
                {t(doc.label)}
              </button>
            ))}
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
    </ScreenFrame>
  );
}

export function BindDone({ kiosk, view }: ScreenProps<'bind-done'>) {
  const t = useT();
  return (
    <ScreenFrame
      title={t('family.doneTitle', { name: view.member.maskedName })}
      actions={<BigButton onClick={act(() => kiosk.backToBills())}>{t('family.back')}</BigButton>}
    >
      <p className="lead">{t('family.doneBody')}</p>
    </ScreenFrame>
  );
}
