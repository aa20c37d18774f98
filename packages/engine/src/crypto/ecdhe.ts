/**
 * Ephemeral (EC)DH for TLS 1.3 key shares (RFC 8446 §4.2.8.2, §7.4.2): X25519 (RFC 7748)
 * and secp256r1 (uncompressed points, x-coordinate as the shared secret), via @noble/curves.
 * Peer shares are validated: P-256 points must be on the curve, and an all-zero X25519
 * result is rejected.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import type { GroupName } from '../config';
import { TlsError } from '../errors';
import type { Rng } from './rng';

export interface KeyShareKeys {
  group: GroupName;
  privateKey: Uint8Array;
  /** The key_exchange bytes: 32-byte u-coordinate, or 65-byte 04‖x‖y. */
  publicKey: Uint8Array;
}

export const GROUP_CODES: Record<GroupName, number> = { x25519: 0x001d, secp256r1: 0x0017 };

export function groupByCode(code: number): GroupName | undefined {
  if (code === 0x001d) return 'x25519';
  if (code === 0x0017) return 'secp256r1';
  return undefined;
}

/** Makes a key pair; `fixedPrivate` (RFC 8448 vectors) replaces the random private key. */
export function generateKeyShare(group: GroupName, rng: Rng, fixedPrivate?: Uint8Array): KeyShareKeys {
  switch (group) {
    case 'x25519': {
      const privateKey = fixedPrivate ?? rng(32);
      return { group, privateKey, publicKey: x25519.getPublicKey(privateKey) };
    }
    case 'secp256r1': {
      let privateKey = fixedPrivate;
      // Rejection-sample a scalar in [1, n-1] from the rng (deterministic for a seeded rng).
      while (!privateKey) {
        const cand = rng(32);
        if (p256.utils.isValidSecretKey(cand)) privateKey = cand;
      }
      return { group, privateKey, publicKey: p256.getPublicKey(privateKey, false) };
    }
  }
}

/** The shared secret from our private key and the peer's key_exchange; illegal_parameter if invalid. */
export function computeSharedSecret(group: GroupName, privateKey: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  switch (group) {
    case 'x25519': {
      // RFC 8446 §4.2.8.2 / RFC 7748 §6.1: a 32-byte u-coordinate.
      if (peerPublic.length !== 32) throw new TlsError('PeerIllegalParameter', `x25519 key_exchange must be 32 bytes, got ${peerPublic.length}`);
      let s: Uint8Array;
      try {
        s = x25519.getSharedSecret(privateKey, peerPublic);
      } catch {
        // noble refuses a low-order point itself (its result would be all zeros).
        s = new Uint8Array(32);
      }
      // RFC 8446 §7.4.2: MUST check the result is not all zeros.
      if (s.every((b) => b === 0)) throw new TlsError('PeerIllegalParameter', 'x25519 shared secret is all zeros (low-order peer share)');
      return s;
    }
    case 'secp256r1': {
      // RFC 8446 §4.2.8.2: UncompressedPointRepresentation, legacy_form = 4; validate the point.
      if (peerPublic.length !== 65 || peerPublic[0] !== 4) {
        throw new TlsError('PeerIllegalParameter', `secp256r1 key_exchange must be an uncompressed 65-byte point, got ${peerPublic.length} bytes`);
      }
      try {
        p256.Point.fromBytes(peerPublic).assertValidity();
      } catch {
        throw new TlsError('PeerIllegalParameter', 'secp256r1 key_exchange is not a point on the curve');
      }
      return p256.getSharedSecret(privateKey, peerPublic, true).slice(1);
    }
  }
}
