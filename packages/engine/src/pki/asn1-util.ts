/**
 * Small helpers the certificate, key and PEM parsers share: the parse error, byte views of
 * ASN.1 values, DER length octets, and the colon-hex fingerprint format (RFC 5280 §4.1).
 */
import { hash } from '../crypto/rsa';

export class PkiParseError extends Error {
  override readonly name = 'PkiParseError';
}

// ---------------------------------------------------------------------------------------------
// Helpers

export const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof Uint8Array ? b : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);

/** DER length octets for a length. */
export function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) out.unshift(x & 0xff);
  return [0x80 | out.length, ...out];
}

export function colonHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** SHA-256 fingerprint as browsers show it (the format of ParsedCertificate.sha256). */
export function fingerprint(der: Uint8Array): string {
  return colonHex(hash('sha256', der));
}
