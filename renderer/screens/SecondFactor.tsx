/** A look-alike confirms who they are with the last 4 characters of their ID number. */
import { useState } from 'react';
import { BigButton } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { Keypad } from '../Keypad.tsx';
import { act, type ScreenProps } from './screen-props.ts';

export function SecondFactor({ kiosk }: ScreenProps<'second-factor'>) {
  const t = useT();
  const [value, setValue] = useState('');
  return (
    <section className="screen" aria-labelledby="title">
      <h1 id="title">{t('second.title')}</h1>
      <Keypad
        value={value}
        onChange={setValue}
        onSubmit={act(() => kiosk.submitSecondFactor(value))}
        maxLength={4}
        extraKey="X"
        submitLabel={t('second.ok')}
        label={t('second.label')}
      />
      <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
        {t('common.cancel')}
      </BigButton>
    </section>
  );
}
