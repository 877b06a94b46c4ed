/**
 * Every word the patient sees or hears, in ICU message format (react-intl), Simplified Chinese
 * and English. The types make a missing message a typecheck error: English must have a message
 * for every word of the vocabularies the screens show, and every language every English key.
 */
import type { Language } from '../../core/vocabulary.ts';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

export { en, zhCN, type MessageKey };
export { silentScreens, type SpokenScreen } from './message-keys.ts';

export const messages = { en, 'zh-CN': zhCN } satisfies Record<
  Language,
  Record<MessageKey, string>
>;
