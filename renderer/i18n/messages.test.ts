import { describe, expect, it } from 'vitest';
import { IntlMessageFormat } from 'intl-messageformat';
import { kioskErrorCodes } from '../../core/errors.ts';
import {
  checkedDevices,
  checkFindings,
  checkStatuses,
  outOfServiceSchema,
  reconciliationVerdicts,
} from '../../core/kiosk-api.ts';
import {
  chosenCashMethods,
  faceHints,
  familyRefusalRules,
  familyRelations,
  loadingSubjects,
  noticeKinds,
  visitTypes,
} from '../../core/vocabulary.ts';
import { en, silentScreens, zhCN } from './messages.ts';

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

  it('has a message for every word of the vocabularies the screens show', () => {
    const vocabularies: [string, readonly string[]][] = [
      ['identify.hint', faceHints],
      ['loading', loadingSubjects],
      ['visit', visitTypes],
      ['cash', chosenCashMethods],
      ['family.relation', familyRelations],
      ['family.rule', familyRefusalRules],
      ['notice', noticeKinds],
      ['error', kioskErrorCodes],
      ['outOfService.reason', outOfServiceSchema.shape.reasons.element.options],
      ['outOfService.stillWorks', outOfServiceSchema.shape.stillWorks.element.options],
      ['admin.deviceName', checkedDevices],
      ['admin.deviceStatus', checkStatuses],
      ['admin.finding', checkFindings],
      ['admin.recon.verdict', reconciliationVerdicts],
    ];
    for (const [prefix, words] of vocabularies)
      for (const word of words) {
        expect(en, prefix).toHaveProperty([`${prefix}.${word}`]);
        expect(zhCN, prefix).toHaveProperty([`${prefix}.${word}`]);
      }
  });

  it('has no spoken line for a silent screen', () => {
    for (const screen of silentScreens) expect(en).not.toHaveProperty([`speech.${screen}`]);
  });
});
