/** Waiting for the host: the title says what for. */
import { ScreenFrame } from '../components.tsx';
import { useT } from '../i18n/translate.ts';
import type { ScreenProps } from './screen-props.ts';

export function Loading({ view }: ScreenProps<'loading'>) {
  const t = useT();
  return <ScreenFrame title={t(`loading.${view.what}`)} busy />;
}
