/** Small display helpers (hex, bytes, text) for the UI; no TLS knowledge here. */

export function hex(bytes: Uint8Array, sep = ''): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && sep) s += sep;
    s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  }
  return s;
}

/** Hex, shortened in the middle when long: "0a1b2c…7e8f (48 bytes)". */
export function shortHex(bytes: Uint8Array, keep = 12): string {
  if (bytes.length <= keep * 2) return hex(bytes);
  return `${hex(bytes.subarray(0, keep))}…${hex(bytes.subarray(bytes.length - 4))} (${bytes.length} bytes)`;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Printable ASCII for a byte, or a dot. */
export function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·';
}

/** "RFC 8446 §4.1.3" → a link to that section on rfc-editor.org (null if not parseable). */
export function rfcLink(ref: string | undefined): string | null {
  if (!ref) return null;
  const m = /RFC\s*(\d+)(?:\s*§\s*([A-Z]?[\d.]+))?/i.exec(ref);
  if (!m) return null;
  const num = m[1];
  const sec = m[2]?.replace(/\.$/, '');
  if (!sec) return `https://www.rfc-editor.org/rfc/rfc${num}`;
  const kind = /^[A-Z]/.test(sec) ? 'appendix' : 'section';
  return `https://www.rfc-editor.org/rfc/rfc${num}#${kind}-${sec}`;
}
