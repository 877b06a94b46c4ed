/** A large numeric keypad: 0-9, delete, and one confirm key; every key at least 80 px. */
import { useT } from './i18n/translate.ts';

export function Keypad(props: {
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  maxLength: number;
  submitLabel: string;
  /** Extra key (ID numbers end with X). */
  extraKey?: string;
  masked?: boolean;
  label: string;
}) {
  const t = useT();
  const press = (key: string) => {
    if (props.value.length < props.maxLength) props.onChange(props.value + key);
  };
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
  return (
    <div className="keypad-wrap">
      <output className="keypad-display" aria-label={props.label} aria-live="polite">
        {props.masked ? '•'.repeat(props.value.length) : props.value || ' '}
      </output>
      <div className="keypad" role="group" aria-label={props.label}>
        {keys.map((k) => (
          <button key={k} type="button" className="key" onClick={() => press(k)}>
            {k}
          </button>
        ))}
        {props.extraKey ? (
          <button type="button" className="key" onClick={() => press(props.extraKey!)}>
            {props.extraKey}
          </button>
        ) : (
          <span />
        )}
        <button type="button" className="key" onClick={() => press('0')}>
          0
        </button>
        <button
          type="button"
          className="key"
          aria-label={t('keypad.delete')}
          onClick={() => props.onChange(props.value.slice(0, -1))}
        >
          ⌫
        </button>
      </div>
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
