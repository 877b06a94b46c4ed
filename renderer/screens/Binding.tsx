/**
 * Binding a family member: their ID number, the relation, then their face (16 and over) or their
 * documents confirmed with a staff PIN (under 16).
 */
import { useState } from 'react';
import {
  documentNumberFormats,
  documentNumberProblem,
  normalizeDocumentNumber,
} from '../../core/document-number.ts';
import { groupIdNumber } from '../../core/id-number.ts';
import { familyRelations, type DocumentType } from '../../core/vocabulary.ts';
import { Camera } from '../Camera.tsx';
import { BigButton, ScreenFrame } from '../components.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { useT } from '../i18n/translate.ts';
import { IdNumberEntry } from '../IdNumberEntry.tsx';
import { Keypad } from '../Keypad.tsx';
import { act, type ScreenProps } from './screen-props.ts';

/** The documents staff can check for a child (all four psn_cert_types), in the order offered. */
export const childDocuments = [
  { type: '03', label: 'family.docBirth', hint: 'family.docHint.birth' },
  { type: '02', label: 'family.docHousehold', hint: 'family.docHint.household' },
  { type: '01', label: 'family.docId', hint: 'family.docHint.id' },
  { type: '04', label: 'family.docPassport', hint: 'family.docHint.passport' },
] as const satisfies readonly { type: DocumentType; label: MessageKey; hint: MessageKey }[];

/** The keypad each type needs: letters for 03 and 04, X and 6-8-4 groups for an ID number. */
export function documentKeypad(type: DocumentType) {
  const format = documentNumberFormats[type];
  return {
    maxLength: format.maxLength,
    letters: format.letters,
    ...(format.idNumber ? { extraKey: 'X', groups: groupIdNumber } : {}),
  };
}

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

export function BindFace({ kiosk, view, info }: ScreenProps<'bind-face'>) {
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
      <Camera kiosk={kiosk} info={info} />
      <p className="lead" role="status">
        {t(`identify.hint.${view.hint}`)}
      </p>
    </ScreenFrame>
  );
}

export function BindDocument({ kiosk }: ScreenProps<'bind-document'>) {
  const t = useT();
  const [doc, setDoc] = useState<(typeof childDocuments)[number] | undefined>();
  const [number, setNumber] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [pinAsked, setPinAsked] = useState(false);
  const [pin, setPin] = useState('');
  const [wrong, setWrong] = useState(false);
  const cancel = (
    <BigButton kind="secondary" onClick={act(() => kiosk.backToBills())}>
      {t('common.cancel')}
    </BigButton>
  );
  if (!doc) {
    return (
      <ScreenFrame title={t('family.docTitle')} actions={cancel}>
        <p className="lead">{t('family.docChoose')}</p>
        <div className="choices">
          {childDocuments.map((d) => (
            <BigButton
              key={d.type}
              kind="secondary"
              onClick={() => {
                setDoc(d);
                setNumber('');
                setInvalid(false);
              }}
            >
              {t(d.label)}
            </BigButton>
          ))}
        </div>
      </ScreenFrame>
    );
  }
  const numberLabel = t('family.docNumberOf', { document: t(doc.label) });
  if (!pinAsked) {
    // Laid out like the ID number screens: the keypad's parts placed in the screen's own grid.
    return (
      <section className="screen" aria-labelledby="title">
        <h1 id="title">{numberLabel}</h1>
        <p className="note">{t(doc.hint)}</p>
        {invalid && (
          <p className="lead" role="alert">
            {t('family.docInvalid')}
          </p>
        )}
        <Keypad
          key={doc.type}
          {...documentKeypad(doc.type)}
          value={number}
          onChange={(v) => {
            setNumber(v);
            setInvalid(false);
          }}
          onSubmit={() => {
            // Checked before staff give their PIN; the host refuses a malformed number anyway.
            if (documentNumberProblem(doc.type, number)) setInvalid(true);
            else setPinAsked(true);
          }}
          submitLabel={t('family.docNext')}
          label={numberLabel}
        />
        <BigButton kind="secondary" onClick={() => setDoc(undefined)}>
          {t('common.back')}
        </BigButton>
      </section>
    );
  }
  const submit = () =>
    void kiosk
      .submitBindDocument({
        documentType: doc.type,
        documentNumber: normalizeDocumentNumber(number),
        staffPin: pin,
      })
      .then(
        (r) => {
          setPin('');
          setWrong(!r.accepted);
        },
        () => setWrong(true),
      );
  return (
    <ScreenFrame title={t('family.docTitle')} actions={cancel}>
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
