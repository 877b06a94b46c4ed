/** The small design system: big buttons, large amounts, and the e-receipt QR. */
import { useEffect, useState, type ReactNode } from 'react';
import QRCode from 'qrcode';
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
