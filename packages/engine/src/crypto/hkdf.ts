/**
 * HKDF (RFC 5869) and the TLS 1.3 HKDF-Expand-Label / Derive-Secret (RFC 8446 §7.1).
 *
 *   HKDF-Expand-Label(Secret, Label, Context, Length) =
 *        HKDF-Expand(Secret, HkdfLabel, Length)
 *   struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label;
 *            opaque context<0..255> = Context; } HkdfLabel;
 *   Derive-Secret(Secret, Label, Messages) =
 *        HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
 */
import { utf8 } from '../codec/hex';
import { hashAlgorithm, hashLen, type HashName } from './hash';
import { cryptoProvider } from './provider';

/** HKDF-Extract(salt, IKM). An empty salt means HashLen zeros (RFC 5869 §2.2). */
export function hkdfExtract(h: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return cryptoProvider().hkdfExtract(hashAlgorithm(h), salt.length === 0 ? new Uint8Array(hashLen(h)) : salt, ikm);
}

/** HKDF-Expand(PRK, info, L). */
function hkdfExpand(h: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (prk.length < hashLen(h)) throw new Error(`"prk" must be at least HashLen (${hashLen(h)}) octets, got ${prk.length}`);
  if (length > 255 * hashLen(h)) throw new Error(`HKDF-Expand: L must be at most 255·HashLen, got ${length}`);
  return cryptoProvider().hkdfExpand(hashAlgorithm(h), prk, info, length);
}

/** The serialized HkdfLabel (what goes into HKDF-Expand as `info`). */
export function hkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const full = utf8.encode(`tls13 ${label}`);
  if (full.length > 255 || context.length > 255) throw new Error('HkdfLabel: label or context longer than 255 bytes');
  const out = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  out[0] = length >> 8;
  out[1] = length & 0xff;
  out[2] = full.length;
  out.set(full, 3);
  out[3 + full.length] = context.length;
  out.set(context, 4 + full.length);
  return out;
}

/** HKDF-Expand-Label(Secret, Label, Context, Length). */
export function hkdfExpandLabel(h: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  return hkdfExpand(h, secret, hkdfLabel(label, context, length), length);
}

/** Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages). */
export function deriveSecret(h: HashName, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return hkdfExpandLabel(h, secret, label, transcriptHash, hashLen(h));
}
