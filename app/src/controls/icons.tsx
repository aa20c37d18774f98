/** Transport icons as inline SVG (no icon font, no request). */
const P = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false, fill: 'currentColor' } as const;

export const IconFirst = () => (
  <svg {...P}>
    <rect x="2" y="3" width="2" height="10" />
    <path d="M14 3v10L5 8z" />
  </svg>
);
export const IconPrev = () => (
  <svg {...P}>
    <path d="M12 3v10L4 8z" />
  </svg>
);
export const IconPlay = () => (
  <svg {...P}>
    <path d="M4 2v12l10-6z" />
  </svg>
);
export const IconPause = () => (
  <svg {...P}>
    <rect x="3" y="2" width="3.5" height="12" />
    <rect x="9.5" y="2" width="3.5" height="12" />
  </svg>
);
export const IconNext = () => (
  <svg {...P}>
    <path d="M4 3v10l8-5z" />
  </svg>
);
export const IconLast = () => (
  <svg {...P}>
    <path d="M2 3v10l9-5z" />
    <rect x="12" y="3" width="2" height="10" />
  </svg>
);
