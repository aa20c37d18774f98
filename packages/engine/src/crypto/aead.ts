/**
 * AEAD ciphers (RFC 5116), from the crypto provider: AES-GCM and ChaCha20-Poly1305 (RFC 8439).
 * Output of seal is ciphertext ‖ 16-byte tag; open returns null when authentication fails.
 */
import type { AeadName } from './tls13-suites';
import { cryptoProvider } from './provider';

export const TAG_LEN = 16;

/** AEAD-Encrypt(key, nonce, aad, plaintext) → ciphertext ‖ tag. */
export function aeadSeal(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return cryptoProvider().aeadSeal(aead, key, nonce, aad, plaintext);
}

/** AEAD-Decrypt; null if the tag does not verify (or the input is shorter than a tag). */
export function aeadOpen(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < TAG_LEN) return null;
  return cryptoProvider().aeadOpen(aead, key, nonce, aad, sealed);
}
