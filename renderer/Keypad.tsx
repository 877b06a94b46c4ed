/**
 * A large keypad: 0-9, delete, and one confirm key; every key at least 80 px. With `letters`, an
 * "ABC" key turns it into A-Z (and "123" back), for document numbers that have letters.
 */
import { useState } from 'react';
import { useT } from './i18n/translate.ts';

const digitKeys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
const letterKeys = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
/** Between groups: a thin space, so the text reads as the groups, and the value has none. */
const GROUP_GAP = '\u2009';

export function Keypad(props: {
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  maxLength: number;
  submitLabel: string;
  /** Extra key (ID numbers end with X). */
  extraKey?: string;
  /** An "ABC" key that switches to letters, in place of the extra key. */
  letters?: boolean;
  /** How to show the value in groups (an ID number 6-8-4); the value itself is unchanged. */
  groups?: (value: string) => string[];
  masked?: boolean;
  label: string;
}) {
  const t = useT();
  const [lettersShown, setLettersShown] = useState(false);
  const press = (key: string) => {
    if (props.value.length < props.maxLength) props.onChange(props.value + key);
  };
  const key = (k: string) => (
    <button key={k} type="button" className="key" onClick={() => press(k)}>
      {k}
    </button>
  );
  const switchKey = (to: boolean, text: string, label: string) => (
    <button
      type="button"
      className="key key-switch"
      aria-label={label}
      onClick={() => setLettersShown(to)}
    >
      {text}
    </button>
  );
  const deleteKey = (
    <button
      type="button"
      className="key"
      aria-label={t('keypad.delete')}
      onClick={() => props.onChange(props.value.slice(0, -1))}
    >
      ⌫
    </button>
  );
  const showLetters = props.letters === true && lettersShown;
  return (
    <div className="keypad-wrap">
      <output className="keypad-display" aria-label={props.label} aria-live="polite">
        {display(props)}
      </output>
      {showLetters ? (
        <div className="keypad keypad-letters" role="group" aria-label={props.label}>
          {letterKeys.map(key)}
          {switchKey(false, '123', t('keypad.digits'))}
          {deleteKey}
        </div>
      ) : (
        <div className="keypad" role="group" aria-label={props.label}>
          {digitKeys.map(key)}
          {props.letters ? (
            switchKey(true, 'ABC', t('keypad.letters'))
          ) : props.extraKey ? (
            key(props.extraKey)
          ) : (
            <span />
          )}
          {key('0')}
          {deleteKey}
        </div>
      )}
      <button
        type="button"
        className="btn btn-primary"
        onClick={props.onSubmit}
        disabled={props.value.length === 0}
      >
        {props.submitLabel}
      </button>
    </div>
  );
}

/** What the display shows: dots for a PIN, the groups with a thin space between, or the value. */
export function display(props: {
  value: string;
  masked?: boolean;
  groups?: (value: string) => string[];
}): string {
  if (props.masked) return '•'.repeat(props.value.length);
  if (!props.value) return ' ';
  return props.groups ? props.groups(props.value).join(GROUP_GAP) : props.value;
}
