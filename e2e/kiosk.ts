/** Page object and simulator controls for the kiosk e2e specs. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  test as base,
  expect,
  type APIRequestContext,
  type Page,
  type TestInfo,
  type WorkerInfo,
} from '@playwright/test';
import { CONTROL_TOKEN, kioskLogFile, laneBaseURL } from '../playwright.config.ts';

/**
 * The kiosk this worker drives: in the `kiosk` project each worker has a kiosk of its own (its
 * lane, playwright.config.ts), in place of the project's; a spec that names another kiosk
 * (`test.use({ baseURL })`, fresh-clone.spec.ts) keeps it.
 */
export function kioskURL(
  info: Pick<TestInfo | WorkerInfo, 'project' | 'parallelIndex'>,
  baseURL = info.project.use.baseURL,
): string | undefined {
  return info.project.name === 'kiosk' && baseURL === info.project.use.baseURL
    ? laneBaseURL(info.parallelIndex)
    : baseURL;
}

/**
 * Playwright's `test`, on this worker's kiosk, with the page object (`kiosk`) and the simulator
 * controls (`sims`) for it: every spec imports it from here.
 */
export const test = base.extend<{ kiosk: KioskPage; sims: Simulators }>({
  baseURL: async ({ baseURL }, use, info) => use(kioskURL(info, baseURL)),
  kiosk: async ({ page }, use, info) => use(new KioskPage(page, info)),
  sims: async ({ request }, use) => use(new Simulators(request)),
});

export const screensDir = join(import.meta.dirname, '..', 'artifacts', 'screens');

export class Simulators {
  constructor(private readonly request: APIRequestContext) {}
  private headers = { 'x-kiosk-control': CONTROL_TOKEN };

  /**
   * The simulated camera shows one of the person's photos. Photos 1 and 2 are the ones the
   * simulator enrols: the face alone is decisive on them under the shipped policy. The others
   * (3-5) are the same person as the camera would see them on another day: with the shared
   * fixtures the face alone is not decisive and the kiosk asks for the second factor
   * (docs/face.md, "Decision policy"); the demo people of a fresh clone (demo-faces/) are
   * mostly decisive on them (face/demo-faces.test.ts).
   */
  async showPerson(person: string, photo = '3.png'): Promise<void> {
    const r = await this.request.post('sim/camera', {
      headers: this.headers,
      data: { scene: { kind: 'person', person, photo } },
    });
    expect(r.ok()).toBe(true);
  }
  async showGroup(photo: string): Promise<void> {
    const r = await this.request.post('sim/camera', {
      headers: this.headers,
      data: { scene: { kind: 'group', photo } },
    });
    expect(r.ok(), await r.text()).toBe(true);
  }
  async liveness(on: boolean): Promise<void> {
    const r = await this.request.post('sim/face', {
      headers: this.headers,
      data: { liveness: on },
    });
    expect(r.ok(), await r.text()).toBe(true);
  }
  async showNobody(): Promise<void> {
    const r = await this.request.post('sim/camera', {
      headers: this.headers,
      data: { scene: { kind: 'empty' } },
    });
    expect(r.ok()).toBe(true);
  }
  async gatewayOnline(online: boolean): Promise<void> {
    const r = await this.request.post('sim/gateway', { headers: this.headers, data: { online } });
    expect(r.ok()).toBe(true);
  }
  /** Arms a gateway fault (gateway/simulator/faults.ts), as the tester panel does. */
  async gatewayFault(fault: {
    infno: string;
    kind: string;
    times?: number;
    latencyMs?: number;
  }): Promise<void> {
    const r = await this.request.post('sim/gateway/fault', { headers: this.headers, data: fault });
    expect(r.ok(), await r.text()).toBe(true);
  }
  async clearGatewayFaults(): Promise<void> {
    const r = await this.request.delete('sim/gateway/fault', { headers: this.headers });
    expect(r.ok()).toBe(true);
  }
  /** The patient scans the on-screen payment QR with their phone and pays. */
  async payWithPhone(): Promise<void> {
    const r = await this.request.post('sim/wallet/pay', { headers: this.headers, data: {} });
    expect(r.ok()).toBe(true);
  }
  /**
   * Holds a code in front of the scanner until the kiosk takes it: the scanner drops the same code
   * seen again within 1.5 s (a real scanner's repeat filter), so a patient who scans again at
   * once is read on the next try, as a patient holding the phone there would be.
   */
  async present(code: string): Promise<void> {
    await expect.poll(() => this.scan(code), { intervals: [1600] }).toBe('delivered');
  }
  /** Holds a code in front of the scanner once: 'delivered', or why the scanner dropped it. */
  async scan(code: string): Promise<string> {
    const r = await this.request.post('sim/scanner', { headers: this.headers, data: { code } });
    expect(r.ok(), await r.text()).toBe(true);
    return ((await r.json()) as { outcome: string }).outcome;
  }
  async printer(state: {
    paperOut?: boolean;
    paperLeftBytes?: number | null;
    coverOpen?: boolean;
  }): Promise<void> {
    const r = await this.request.post('sim/printer', { headers: this.headers, data: state });
    expect(r.ok()).toBe(true);
  }
  async camera(state: { unplugged: boolean }): Promise<void> {
    const r = await this.request.post('sim/camera', { headers: this.headers, data: state });
    expect(r.ok()).toBe(true);
  }
  async scanner(state: { unplugged: boolean }): Promise<void> {
    const r = await this.request.post('sim/scanner', { headers: this.headers, data: state });
    expect(r.ok()).toBe(true);
  }
  /** The pending payment order runs out of time. */
  async expirePayment(): Promise<void> {
    const r = await this.request.post('sim/wallet/expire', { headers: this.headers, data: {} });
    expect(r.ok()).toBe(true);
  }
  /** The simulator's picture of a receipt, kept as a test artifact for people to look at. */
  async saveReceiptPng(index: number, name: string, info: TestInfo): Promise<Buffer> {
    const r = await this.request.get(`sim/printer/receipts/${index}.png`, {
      headers: this.headers,
    });
    expect(r.ok()).toBe(true);
    expect(r.headers()['content-type']).toBe('image/png');
    const png = await r.body();
    expect(
      png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    ).toBe(true);
    const dir = join(screensDir, '..', 'receipts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.png`), png);
    await info.attach(name, { body: png, contentType: 'image/png' });
    return png;
  }
  /** Where a bill stands at the gateway: paid or not, its visit, who uploaded its fee details. */
  async billRecord(id: string): Promise<{
    status: 'unpaid' | 'paid';
    mdtrt_id: string;
    visit_registered_by: '' | 'hospital' | 'kiosk';
    fees_uploaded_by: '' | 'hospital' | 'kiosk';
    fees_mdtrt_id: string;
    settled_by: '' | '2207' | '2304' | 'K701';
    deposits: { amount_cents: number; status: 'available' | 'netted' | 'refunded' }[];
  }> {
    const r = await this.request.get(`sim/gateway/bill?id=${encodeURIComponent(id)}`, {
      headers: this.headers,
    });
    expect(r.ok()).toBe(true);
    return (await r.json()) as Awaited<ReturnType<Simulators['billRecord']>>;
  }

  async receipts(): Promise<{ index: number; text: string; escposBase64: string }[]> {
    const r = await this.request.get('sim/printer/receipts', { headers: this.headers });
    expect(r.ok()).toBe(true);
    return (await r.json()) as { index: number; text: string; escposBase64: string }[];
  }
}

/** Every line the kiosk hands to speech synthesis, kept in the page for the test to read. */
export async function recordSpeech(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const spoken: string[] = [];
    (window as unknown as { spoken: string[] }).spoken = spoken;
    const synth = window.speechSynthesis;
    const speak = synth.speak.bind(synth);
    synth.speak = (utterance: SpeechSynthesisUtterance) => {
      spoken.push(utterance.text);
      speak(utterance);
    };
  });
}

export function spoken(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
}

export class KioskPage {
  constructor(
    readonly page: Page,
    private readonly info: TestInfo,
  ) {
    // A renderer crash must fail loudly, not look like a slow screen.
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  }

  async open(language: 'en' | 'zh-CN' = 'en', query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    // Connected: the kiosk's own info (name, current language) has arrived.
    await expect(this.page.locator('.hospital')).not.toBeEmpty();
    // Each spec starts at the start, even if the one before it failed half-way.
    await this.page.evaluate(async () => {
      const kiosk = window.kiosk!;
      if ((await kiosk.getView()).screen === 'home') return;
      await kiosk.cancel().catch(() => undefined);
      await kiosk.finish().catch(() => undefined);
    });
    await this.expectScreen('home');
    const current = await this.page.locator('html').getAttribute('lang');
    if (current !== language)
      await this.page
        .getByRole('button', { name: language === 'en' ? 'English' : '中文', exact: true })
        .click();
    await expect(this.page.locator('html')).toHaveAttribute('lang', language);
  }

  async expectScreen(screen: string): Promise<void> {
    try {
      await expect(this.page.locator('.kiosk')).toHaveAttribute('data-screen', screen);
    } catch (error) {
      // CI shows only the console: what the screen said and what the kiosk logged, so a wrong
      // screen can be explained from the run's output alone (the log has no personal data).
      console.log(await this.whyNot(screen));
      throw error;
    }
  }

  /** The screen's words and the kiosk's last log lines, for a failed expectation. */
  private async whyNot(expected: string): Promise<string> {
    const shown = await this.page
      .locator('.kiosk')
      .innerText({ timeout: 1000 })
      .catch(() => '(no screen)');
    const port = Number(new URL(this.page.url()).port);
    const file = kioskLogFile(port);
    const tail = existsSync(file)
      ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-25).join('\n')
      : `(no log at ${file})`;
    return `[expected screen ${expected}] the screen says:\n${shown.slice(0, 600)}\n[kiosk log, last lines]\n${tail}`;
  }

  /** Home -> pay with face -> consent -> the screen the face leads to. */
  async startFace(expected: string): Promise<void> {
    await this.button(/^(Pay with face|刷脸缴费)$/).click();
    await this.agreeToFace();
    await this.expectScreen(expected);
  }

  /** Agrees on the face-processing consent screen, in either language. */
  async agreeToFace(): Promise<void> {
    await this.expectScreen('consent');
    await this.button(/^(Yes, I agree|同意)$/).click();
  }

  /** Holds the hidden staff corner, then signs in: a staff ID and PIN, or the shared PIN alone. */
  async signInAsStaff(pin: string, staffId?: string): Promise<void> {
    const page = this.page;
    const box = (await page.getByTestId('admin-corner').boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + 10);
    await page.mouse.down();
    // The corner opens only after a 3-second hold: held just past it, then let go.
    await page.waitForTimeout(3300);
    await page.mouse.up();
    await expect(page.getByRole('dialog', { name: 'Staff PIN' })).toBeVisible();
    if (staffId) {
      await this.button(/^Staff ID/).click();
      for (const d of staffId) await page.getByRole('button', { name: d, exact: true }).click();
      await this.button('Enter', { exact: true }).click();
    }
    for (const d of pin) await page.getByRole('button', { name: d, exact: true }).click();
    await this.button('Enter', { exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Admin mode' })).toBeVisible();
  }

  button(name: string | RegExp, options: { exact?: boolean } = {}) {
    return this.page.getByRole('button', { name, ...options });
  }

  /** Keeps a picture of the screen as a test artifact, for people to look at. */
  async shot(name: string): Promise<void> {
    mkdirSync(screensDir, { recursive: true });
    const path = join(screensDir, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    await this.info.attach(name, { path, contentType: 'image/png' });
  }
}

/** "¥123.45" -> 12345 cents, exactly. */
export function centsOf(text: string): number {
  const m = /¥?(\d+)\.(\d{2})/.exec(text);
  if (!m) throw new Error(`no amount in ${JSON.stringify(text)}`);
  return Number(m[1]) * 100 + Number(m[2]);
}

/** A valid e-voucher QR for a patient of the default scenario (gateway/simulator/default-scenario.json). */
export function eVoucherOf(patientIndex: number): string {
  return `424${String(patientIndex + 1).padStart(17, '0')}00110000`;
}
