/** Line icons for the home screen's tiles: drawn in the text's colour, hidden from screen readers. */

const common = {
  viewBox: '0 0 64 64',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 4,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
  className: 'tile-icon',
} as const;

/** A face inside a camera's frame corners. */
export function FaceIcon() {
  return (
    <svg {...common}>
      <path d="M6 18V8h10M48 8h10v10M58 46v10H48M16 56H6V46" />
      <circle cx="32" cy="30" r="14" />
      <path d="M26 27h.01M38 27h.01M26 36c3.5 3 8.5 3 12 0" />
    </svg>
  );
}

/** An ID card with a photo and lines of text. */
export function IdCardIcon() {
  return (
    <svg {...common}>
      <rect x="4" y="12" width="56" height="40" rx="5" />
      <circle cx="20" cy="28" r="6" />
      <path d="M11 43c2-5 16-5 18 0M36 26h16M36 34h16M36 42h10" />
    </svg>
  );
}

/** A QR code on a phone. */
export function PhoneQrIcon() {
  return (
    <svg {...common}>
      <rect x="14" y="4" width="36" height="56" rx="5" />
      <path d="M22 14h8v8h-8zM34 14h8v8h-8zM22 30h8v8h-8zM34 30h3M40 30v4M34 36h8v2M30 52h4" />
    </svg>
  );
}
