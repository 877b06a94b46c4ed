/**
 * One screen for keying in an ID card number (the patient's own, or a family member's): the
 * keypad with X, the number shown 6-8-4 as typed, and "please check it" when the kiosk refuses it.
 */
import { useState, type ReactNode } from 'react';
import { groupIdNumber } from '../core/id-number.ts';
import { BigButton } from './components.tsx';
import { useT } from './i18n/translate.ts';
import { Keypad } from './Keypad.tsx';

export function IdNumberEntry(props: {
  title: string;
  submitLabel: string;
  /** Resolves true when the number was accepted. */
  submit: (idNumber: string) => Promise<boolean>;
  cancel: () => void;
  note?: ReactNode;
}) {
  const t = useT();
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{props.title}</h1>
      {props.note}
      {invalid && (
        <p className="lead" role="alert">
          {t('id.invalid')}
        </p>
      )}
      <Keypad
        value={value}
        onChange={(v) => {
          setValue(v);
          setInvalid(false);
        }}
        onSubmit={() =>
          void props.submit(value).then(
            (accepted) => setInvalid(!accepted),
            () => setInvalid(true),
          )
        }
        maxLength={18}
        extraKey="X"
        groups={groupIdNumber}
        submitLabel={props.submitLabel}
        label={t('id.label')}
      />
      <BigButton kind="secondary" onClick={props.cancel}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}
