/** A look-alike confirms who they are with the last 4 characters of their ID number. */
import { useState } from 'react';
import { BigButton, ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import { Keypad } from '../Keypad.tsx';
import { act, type ScreenProps } from './screen-props.ts';

export function SecondFactor({ kiosk }: ScreenProps<'second-factor'>) {
  const t = useT();
  const [value, setValue] = useState('');
  return (
    <ScreenFrame
      title={t('second.title')}
      actions={
        <BigButton kind="secondary" onClick={act(() => kiosk.cancel())}>
          {t('common.cancel')}
        </BigButton>
      }
    >
      <Keypad
        value={value}
        onChange={setValue}
        onSubmit={act(() => kiosk.submitSecondFactor(value))}
        maxLength={4}
        extraKey="X"
        submitLabel={t('second.ok')}
        label={t('second.label')}
      />
    </ScreenFrame>
  );
}
