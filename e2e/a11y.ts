/**
 * Accessibility checks run on every screen: axe-core (no serious or critical violation), every
 * interactive element at least 72x72 px, and every piece of text at contrast >= 7:1 against the
 * background it is actually drawn on; then the layout: every target wholly inside the window
 * without scrolling, no two targets overlapping, and the amount to pay the largest figure.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';

/**
 * axe-core put into the page once and run there. @axe-core/playwright's `analyze()` took about
 * 1.5 s a screen: it injects axe twice per call and finishes every run in a new blank page. The
 * same rules run in the page itself take ~0.1 s, the one injection ~0.25 s (docs/performance.md,
 * seventh pass). The kiosk's screens have no frames, so running in the top document is all of it.
 */
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

type Violation = { id: string; impact: string | null; targets: string[] };

async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<AxeResults> } })
      .axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

/**
 * `axe: false` runs only the checks below axe's (sizes, contrast, layout): the spec that proves
 * each check can fail uses it to reach them on a page axe already fails.
 */
export async function checkScreen(
  page: Page,
  name: string,
  { axe = true }: { axe?: boolean } = {},
): Promise<void> {
  if (axe) {
    const bad = (await axeViolations(page)).filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(
      bad.map((v) => `${v.id}: ${v.targets.join(', ')}`),
      `axe on ${name}`,
    ).toEqual([]);
  }

  const small = await page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLElement>(
        'button, a[href], input, select, textarea, [role="button"]',
      ),
    ]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 72 || r.height < 72)
      .map(
        ({ el, r }) =>
          `${el.textContent?.trim() || el.getAttribute('aria-label')} ${Math.round(r.width)}x${Math.round(r.height)}`,
      ),
  );
  expect(small, `targets under 72x72 on ${name}`).toEqual([]);

  const lowContrast = await page.evaluate(() => {
    const parse = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(c);
      return m
        ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])]
        : [0, 0, 0, 0];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    // The background a text is drawn on: the nearest ancestor with an opaque background.
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] >= 0.99) return c;
      }
      return [255, 255, 255, 1];
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent?.trim() || el.offsetParent === null) continue;
      const fg = parse(getComputedStyle(el).color);
      const bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x) as [number, number];
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < 7) out.push(`"${n.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return out;
  });
  expect(lowContrast, `text under 7:1 on ${name}`).toEqual([]);

  const fontSizes = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main p, main li, main h1, main button, main span')]
      .filter((el) => el.offsetParent !== null && el.textContent?.trim())
      .map((el) => ({
        t: el.textContent!.trim().slice(0, 30),
        px: parseFloat(getComputedStyle(el).fontSize),
      }))
      .filter((x) => x.px < 24)
      .map((x) => `${x.t} ${x.px}px`),
  );
  expect(fontSizes, `main text under 24 px on ${name}`).toEqual([]);
  await checkLayout(page, name);
}

/**
 * The layout at the page's current size: every interactive element the patient can reach (those
 * of an open dialog, when one is open) lies wholly inside the window, no two of them overlap,
 * and no figure is drawn larger than the amount to pay when the screen shows one.
 */
export async function checkLayout(page: Page, name: string): Promise<void> {
  const layout = await page.evaluate(() => {
    const scope = document.querySelector('[aria-modal="true"]') ?? document.body;
    const targets = [
      ...scope.querySelectorAll<HTMLElement>(
        'button, a[href], input, select, textarea, [role="button"]',
      ),
    ]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({
        label: (el.textContent?.trim() || el.getAttribute('aria-label') || el.tagName).slice(0, 30),
        r: el.getBoundingClientRect(),
      }));
    const [w, h] = [window.innerWidth, window.innerHeight];
    const outside = targets
      .filter(({ r }) => r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5)
      .map(
        ({ label, r }) =>
          `${label} at ${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)} in ${w}x${h}`,
      );
    const overlapping: string[] = [];
    for (let i = 0; i < targets.length; i++)
      for (let j = i + 1; j < targets.length; j++) {
        const [a, b] = [targets[i]!, targets[j]!];
        const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (x > 0.5 && y > 0.5) overlapping.push(`${a.label} / ${b.label}`);
      }
    const pay = document.querySelector('.pay-value');
    const payPx = pay ? parseFloat(getComputedStyle(pay).fontSize) : Infinity;
    const larger: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el === pay || el.offsetParent === null || !/\d/.test(n.textContent ?? ''))
        continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px > payPx) larger.push(`"${n.textContent!.trim().slice(0, 30)}" ${px}px > ${payPx}px`);
    }
    return { outside, overlapping, larger };
  });
  expect(layout.outside, `targets outside the window on ${name}`).toEqual([]);
  expect(layout.overlapping, `overlapping targets on ${name}`).toEqual([]);
  expect(layout.larger, `figures larger than the amount to pay on ${name}`).toEqual([]);
}
