import { renderToStaticMarkup } from 'react-dom/server';
import { IntlProvider } from 'react-intl';
import { describe, expect, it } from 'vitest';
import type { KioskMode, Language } from '../core/vocabulary.ts';
import { SimulatorBanner } from './components.tsx';
import { messages } from './i18n/messages.ts';

function render(mode: KioskMode | undefined, language: Language): string {
  return renderToStaticMarkup(
    <IntlProvider locale={language} messages={messages[language]} defaultLocale="zh-CN">
      <SimulatorBanner mode={mode} />
    </IntlProvider>,
  );
}

describe('the simulator banner', () => {
  it('a simulator kiosk says so, in the patient’s language', () => {
    expect(render('simulator', 'en')).toContain('Simulator — not for patients');
    expect(render('simulator', 'zh-CN')).toContain('模拟器 — 不用于收费');
    expect(render('simulator', 'en')).toMatch(/^<aside /);
  });

  it('a production kiosk, or one whose mode is not known yet, shows nothing', () => {
    expect(render('production', 'en')).toBe('');
    expect(render(undefined, 'zh-CN')).toBe('');
  });
});
