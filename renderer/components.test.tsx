import { renderToStaticMarkup } from 'react-dom/server';
import { IntlProvider } from 'react-intl';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../core/kiosk-api.ts';
import type { KioskMode, Language } from '../core/vocabulary.ts';
import { SimulatorBanner, StepIndicator, stepOf, steps } from './components.tsx';
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

describe('the step indicator', () => {
  const at = (view: SessionView) => stepOf(view);
  const split = {
    total: 1000,
    fund: 600,
    personalPart: 400,
    account: 300,
    mutualAid: 0,
    cash: 100,
  };
  const patient = {
    maskedName: '张*明',
    maskedIdNumber: '1101**********0014',
    insuranceType: '310' as const,
  };
  const bill = {
    id: 'b1',
    visitType: 'outpatient' as const,
    category: 'regular' as const,
    department: 'Cardiology',
    createdAt: '2026-11-30T08:00:00',
    total: 1000,
    items: [],
  };

  it('maps each screen of the patient’s path to its step, in order', () => {
    expect(at({ screen: 'consent' })).toBe('identify');
    expect(at({ screen: 'identifying', hint: 'hold-still' })).toBe('identify');
    expect(at({ screen: 'not-recognised' })).toBe('identify');
    expect(at({ screen: 'id-entry' })).toBe('identify');
    expect(at({ screen: 'second-factor' })).toBe('identify');
    expect(at({ screen: 'bills', patient, bills: [], family: null, quota: null })).toBe('bills');
    expect(at({ screen: 'review', forMember: null, useAccount: true, patient, bill, split })).toBe(
      'confirm',
    );
    expect(at({ screen: 'choose-cash', cash: 100, credit: null })).toBe('pay');
    expect(
      at({
        screen: 'paying-cash',
        amount: 100,
        codeUrl: 'weixin://x',
        expiresAt: '2026-11-30T08:05',
      }),
    ).toBe('pay');
    expect(
      at({
        screen: 'done',
        patient,
        bill,
        split,
        settlementId: 's1',
        receipt: 'printed',
        method: 'mobile',
        repayDate: null,
        eReceiptUrl: 'https://r/1',
      }),
    ).toBe('receipt');
  });

  it('a wait belongs to the step it leads to', () => {
    const loading = (what: Extract<SessionView, { screen: 'loading' }>['what']) =>
      at({ screen: 'loading', what });
    expect(loading('patient')).toBe('identify');
    expect(loading('bills')).toBe('identify');
    expect(loading('member-bills')).toBe('bills');
    expect(loading('pre-settlement')).toBe('confirm');
    expect(loading('payment')).toBe('pay');
    expect(loading('settlement')).toBe('pay');
    expect(loading('settlement-check')).toBe('pay');
    expect(loading('printing')).toBe('receipt');
  });

  it('family screens are part of choosing bills; home and errors are off the path', () => {
    expect(at({ screen: 'bind-id', quota: null })).toBe('bills');
    expect(at({ screen: 'family-refused', rule: 'category-excluded', resetsOn: null })).toBe(
      'bills',
    );
    expect(at({ screen: 'bind-done', member: { maskedName: '张*' } })).toBe('bills');
    expect(at({ screen: 'home' })).toBeUndefined();
    expect(at({ screen: 'error', error: 'gateway-unavailable' })).toBeUndefined();
  });

  function renderSteps(view: SessionView, language: Language): string {
    return renderToStaticMarkup(
      <IntlProvider locale={language} messages={messages[language]} defaultLocale="zh-CN">
        <StepIndicator view={view} />
      </IntlProvider>,
    );
  }

  it('marks the current step with aria-current and a filled box, and ticks the steps done', () => {
    const html = renderSteps({ screen: 'choose-cash', cash: 100, credit: null }, 'en');
    const items = html.match(/<li[^>]*>.*?<\/li>/g) ?? [];
    expect(items).toHaveLength(steps.length);
    expect(items.filter((li) => li.includes('aria-current="step"'))).toEqual([
      expect.stringContaining('Pay'),
    ]);
    expect(items[3]).toContain('step-current');
    expect(items.slice(0, 3).every((li) => li.includes('✓'))).toBe(true);
    expect(items[4]).toContain('>5<');
  });

  it('speaks the patient’s language, and shows nothing on the home screen', () => {
    const zh = renderSteps(
      { screen: 'review', forMember: null, useAccount: true, patient, bill, split },
      'zh-CN',
    );
    expect(zh).toContain('aria-label="缴费步骤"');
    expect(zh).toMatch(/aria-current="step"[^]*核对/);
    expect(renderSteps({ screen: 'home' }, 'en')).toBe('');
  });
});
