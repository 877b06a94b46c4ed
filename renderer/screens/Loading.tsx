/** Waiting for the host: the title says what for. */
import { useT } from '../i18n/translate.ts';
import type { ScreenProps } from './screen-props.ts';

export function Loading({ view }: ScreenProps<'loading'>) {
  const t = useT();
  return (
    <section className="screen" aria-busy="true" aria-labelledby="title">
      <h1 id="title">{t(`loading.${view.what}`)}</h1>
    </section>
  );
}
