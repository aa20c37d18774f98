/**
 * AEAD ciphers (RFC 5116) from @noble/ciphers: AES-GCM and ChaCha20-Poly1305 (RFC 8439).
 * Output of seal is ciphertext ‖ 16-byte tag; open returns null when authentication fails.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { AeadName } from './cipher-suites';

export const TAG_LEN = 16;

function cipher(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  switch (aead) {
    case 'AES-128-GCM':
    case 'AES-256-GCM':
      return gcm(key, nonce, aad);
    case 'CHACHA20-POLY1305':
      return chacha20poly1305(key, nonce, aad);
  }
}

/** AEAD-Encrypt(key, nonce, aad, plaintext) → ciphertext ‖ tag. */
export function aeadSeal(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return cipher(aead, key, nonce, aad).encrypt(plaintext);
}

/** AEAD-Decrypt; null if the tag does not verify (or the input is shorter than a tag). */
export function aeadOpen(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < TAG_LEN) return null;
  try {
    return cipher(aead, key, nonce, aad).decrypt(sealed);
  } catch {
    return null;
  }
}
