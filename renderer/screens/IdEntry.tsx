/** The patient keys in their ID card number; the face check follows. */
import { IdNumberEntry } from '../IdNumberEntry.tsx';
import { useT } from '../i18n/translate.ts';
import { act, type ScreenProps } from './screen-props.ts';

export function IdEntry({ kiosk }: ScreenProps<'id-entry'>) {
  const t = useT();
  return (
    <IdNumberEntry
      title={t('id.title')}
      submitLabel={t('id.next')}
      submit={async (id) => (await kiosk.submitIdNumber(id)).accepted}
      cancel={act(() => kiosk.cancel())}
    />
  );
}
