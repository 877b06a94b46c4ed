import { describe, expect, it } from 'vitest';
import { IntlMessageFormat } from 'intl-messageformat';
import { en, zhCN } from './messages.ts';

describe('messages', () => {
  it('has the same keys in both languages, and every message parses as ICU', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [locale, table] of [
      ['en', en],
      ['zh-CN', zhCN],
    ] as const) {
      for (const [key, text] of Object.entries(table)) {
        expect(() => new IntlMessageFormat(text, locale), key).not.toThrow();
      }
    }
  });

  it('uses the same placeholders in both languages', () => {
    const names = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[])
      expect(names(zhCN[key]), key).toEqual(names(en[key]));
  });
});
