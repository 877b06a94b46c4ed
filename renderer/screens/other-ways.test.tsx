/**
 * What the screens of a failed face and of the child's documents say and offer, in both
 * languages: the other ways in (e-voucher QR, ID number) and the keypad each document needs.
 */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { IntlProvider } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { documentTypes, type Language } from '../../core/vocabulary.ts';
import type { KioskApi } from '../../core/kiosk-api.ts';
import { messages } from '../i18n/messages.ts';
import { display } from '../Keypad.tsx';
import { IdNumberEntry } from '../IdNumberEntry.tsx';
import { BindDocument, childDocuments, documentKeypad } from './Binding.tsx';
import { ErrorScreen } from './ErrorScreen.tsx';
import { NotRecognised } from './NotRecognised.tsx';

// Rendering only builds the buttons' handlers; nothing here is called.
const kiosk = {} as KioskApi;

function render(language: Language, element: ReactElement): string {
  const html = renderToStaticMarkup(
    <IntlProvider locale={language} messages={messages[language]} defaultLocale="zh-CN">
      {element}
    </IntlProvider>,
  );
  // The text as read: tags dropped, entities back to characters.
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

const buttons = (html: string) =>
  [...html.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));

describe('not recognised: the other ways in', () => {
  const screen = <NotRecognised kiosk={kiosk} view={{ screen: 'not-recognised' }} />;

  it('names the e-voucher QR at the scanner and the ID number, and charges nothing (English)', () => {
    const text = render('en', screen);
    expect(text).toContain('Nothing has been charged');
    expect(text).toContain(
      'Show the medical insurance QR code (e-voucher) on your phone to the scanner below the screen.',
    );
    expect(text).toContain('enter your ID card number; the camera then checks that it is you');
  });

  it('says the same in Chinese', () => {
    const text = render('zh-CN', screen);
    expect(text).toContain('没有产生任何扣费');
    expect(text).toContain('医保电子凭证');
    expect(text).toContain('扫码器');
    expect(text).toContain('输入身份证号码');
  });

  it('offers try again, the ID number and home as buttons, in both languages', () => {
    const html = (language: Language) =>
      renderToStaticMarkup(
        <IntlProvider locale={language} messages={messages[language]}>
          {screen}
        </IntlProvider>,
      );
    expect(buttons(html('en'))).toEqual(['Try again', 'Enter my ID number', 'Back to start']);
    expect(buttons(html('zh-CN'))).toEqual(['再试一次', '输入身份证号', '回到首页']);
  });
});

describe('the error screen of a camera that does not work', () => {
  const error = (code: 'camera-unavailable' | 'face-engine-failed' | 'gateway-unavailable') => (
    <ErrorScreen kiosk={kiosk} view={{ screen: 'error', error: code }} />
  );

  it('says the face and ID routes cannot work now, and the e-voucher QR still does', () => {
    const en = render('en', error('camera-unavailable'));
    expect(en).toContain('The camera is not working');
    expect(en).toContain('paying with your face or your ID number is not possible now');
    expect(en).toContain('You can still pay: show the medical insurance QR code (e-voucher)');
    const zh = render('zh-CN', error('camera-unavailable'));
    expect(zh).toContain('摄像头无法使用，暂时不能刷脸或输入身份证号缴费');
    expect(zh).toContain('您仍可以缴费：把手机上的医保电子凭证二维码对准屏幕下方的扫码器');
    expect(render('en', error('face-engine-failed'))).toContain('e-voucher');
    expect(render('zh-CN', error('face-engine-failed'))).toContain('医保电子凭证');
  });

  it('does not offer the QR for a failure it cannot get round (the gateway down)', () => {
    expect(render('en', error('gateway-unavailable'))).not.toContain('e-voucher');
    expect(render('zh-CN', error('gateway-unavailable'))).not.toContain('医保电子凭证');
  });
});

describe('the child’s documents', () => {
  it('offers all four document types first, in both languages', () => {
    const html = (language: Language) =>
      renderToStaticMarkup(
        <IntlProvider locale={language} messages={messages[language]}>
          <BindDocument kiosk={kiosk} view={{ screen: 'bind-document' }} />
        </IntlProvider>,
      );
    expect(buttons(html('en'))).toEqual([
      'Birth certificate',
      'Household register',
      'Resident ID card',
      'Passport or travel permit',
      'Cancel',
    ]);
    expect(buttons(html('zh-CN'))).toEqual([
      '出生医学证明',
      '户口簿',
      '居民身份证',
      '护照或通行证',
      '取消',
    ]);
    expect(childDocuments.map((d) => d.type).sort()).toEqual([...documentTypes]);
  });

  it('gives birth certificates and passports letters, and ID numbers X and their groups', () => {
    expect(documentKeypad('03')).toEqual({ maxLength: 10, letters: true });
    expect(documentKeypad('04')).toEqual({ maxLength: 20, letters: true });
    for (const type of ['01', '02'] as const) {
      const pad = documentKeypad(type);
      expect(pad).toMatchObject({ maxLength: 18, letters: false, extraKey: 'X' });
      expect(display({ value: '110105198005170180', groups: pad.groups })).toBe(
        '110105\u200919800517\u20090180',
      );
    }
  });
});

describe('the ID number as typed', () => {
  it('is shown 6-8-4, a PIN as dots, anything else as typed', () => {
    const groups = documentKeypad('01').groups;
    expect(display({ value: '1101051980', groups })).toBe('110105\u20091980');
    expect(display({ value: '', groups })).toBe(' ');
    expect(display({ value: '2468', masked: true })).toBe('••••');
    expect(display({ value: 'O440123456' })).toBe('O440123456');
  });

  it('keeps the label the screen reader reads, in both languages', () => {
    const html = (language: Language) =>
      renderToStaticMarkup(
        <IntlProvider locale={language} messages={messages[language]}>
          <IdNumberEntry
            title="t"
            submitLabel="s"
            submit={async () => true}
            cancel={() => undefined}
          />
        </IntlProvider>,
      );
    expect(html('en')).toMatch(/<output class="keypad-display" aria-label="ID card number"/);
    expect(html('zh-CN')).toMatch(/<output class="keypad-display" aria-label="身份证号码"/);
  });
});
