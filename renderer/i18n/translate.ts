/** The one way the UI looks up a message: by a typed key, so a key without a message fails typecheck. */
import { useIntl } from 'react-intl';
import type { MessageKey } from './messages.ts';

export type Translate = (id: MessageKey, values?: Record<string, string>) => string;

export function useT(): Translate {
  const intl = useIntl();
  return (id, values) => intl.formatMessage({ id }, values);
}
