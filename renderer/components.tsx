/**
 * The small design system: big buttons, large amounts, the e-receipt QR, the screen frame (title,
 * what to read, what to do) and the step indicator on the patient's path.
 */
import { useEffect, useState, type ReactNode } from 'react';
import QRCode from 'qrcode';
import type { SessionView } from '../core/kiosk-api.ts';
import type { Cents } from '../core/money.ts';
import { formatYuan } from '../core/money.ts';
import type { KioskMode } from '../core/vocabulary.ts';
import { useT } from './i18n/translate.ts';

export function BigButton(props: {
  onClick: () => void;
  children: ReactNode;
  kind?: 'primary' | 'secondary' | 'help';
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      className={`btn btn-${props.kind ?? 'primary'}`}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      {props.children}
    </button>
  );
}

export function yuan(amount: number): string {
  return `¥${formatYuan(amount as Cents)}`;
}

export function Amount({ cents, label }: { cents: number; label: string }) {
  return (
    <div className="amount" aria-label={`${label} ${yuan(cents)}`}>
      <span className="amount-label">{label}</span>
      <span className="amount-value">{yuan(cents)}</span>
    </div>
  );
}

/** What the patient must pay: the largest figure on the screen, whatever else is shown. */
export function AmountToPay({ cents, label }: { cents: number; label: string }) {
  return (
    <div className="amount amount-pay" aria-label={`${label} ${yuan(cents)}`}>
      <span className="amount-label">{label}</span>
      <span className="pay-value">{yuan(cents)}</span>
    </div>
  );
}

/**
 * Every screen's frame: the title across the top, then what to read and what to do. In portrait
 * the actions sit below the reading, at the bottom of the screen; in landscape beside it, on the
 * right (styles.css), so neither falls off a short screen.
 */
export function ScreenFrame(props: {
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  busy?: boolean;
  className?: string;
}) {
  return (
    <section
      className={props.className ? `screen ${props.className}` : 'screen'}
      aria-labelledby="title"
      aria-busy={props.busy || undefined}
    >
      <h1 id="title">{props.title}</h1>
      <div className="screen-body">{props.children}</div>
      {props.actions && <div className="actions">{props.actions}</div>}
    </section>
  );
}

/** The patient's path, in order. */
export const steps = ['identify', 'bills', 'confirm', 'pay', 'receipt'] as const;
export type Step = (typeof steps)[number];

/**
 * Where a view is on the patient's path; undefined off it (home, where nothing has started, and
 * an error, which may come at any step). Family screens are part of choosing bills.
 */
export function stepOf(view: SessionView): Step | undefined {
  switch (view.screen) {
    case 'home':
    case 'error':
      return undefined;
    case 'consent':
    case 'identifying':
    case 'not-recognised':
    case 'id-entry':
    case 'second-factor':
      return 'identify';
    case 'bills':
    case 'member-bills':
    case 'family-refused':
    case 'bind-id':
    case 'bind-relation':
    case 'bind-face':
    case 'bind-document':
    case 'bind-done':
    case 'unbind-confirm':
      return 'bills';
    case 'review':
      return 'confirm';
    case 'choose-cash':
    case 'paying-cash':
      return 'pay';
    case 'done':
      return 'receipt';
    case 'loading':
      return LOADING_STEP[view.what];
  }
}

/** A wait belongs to the step it leads to: finding the bills is still identifying the patient. */
const LOADING_STEP = {
  patient: 'identify',
  bills: 'identify',
  'member-bills': 'bills',
  binding: 'bills',
  'pre-settlement': 'confirm',
  payment: 'pay',
  settlement: 'pay',
  'settlement-check': 'pay',
  printing: 'receipt',
} as const satisfies Record<Extract<SessionView, { screen: 'loading' }>['what'], Step>;

/**
 * The path with the current step marked by more than colour: a filled box, bold type, its
 * number in a ring, and aria-current; steps already done carry a tick.
 */
export function StepIndicator({ view }: { view: SessionView }) {
  const t = useT();
  const current = stepOf(view);
  if (!current) return null;
  const at = steps.indexOf(current);
  return (
    <nav className="steps" aria-label={t('steps.label')}>
      <ol>
        {steps.map((step, i) => (
          <li
            key={step}
            className={i < at ? 'step step-done' : i === at ? 'step step-current' : 'step'}
            aria-current={i === at ? 'step' : undefined}
          >
            <span className="step-mark" aria-hidden="true">
              {i < at ? '✓' : String(i + 1)}
            </span>
            <span className="step-name">{t(`steps.${step}`)}</span>
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function QrImage({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { margin: 2, width: 240, errorCorrectionLevel: 'M' }).then(
      (url) => live && setSrc(url),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img className="qr" src={src} alt={label} width={240} height={240} /> : null;
}

/**
 * The strip a simulator kiosk shows above every screen: a kiosk started without a production
 * configuration must never pass for a real one. Nothing at all in production.
 */
export function SimulatorBanner({ mode }: { mode: KioskMode | undefined }) {
  const t = useT();
  if (mode !== 'simulator') return null;
  return (
    <aside className="simulator-banner" data-testid="simulator-banner">
      {t('app.simulator')}
    </aside>
  );
}
