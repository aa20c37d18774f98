/**
 * Ephemeral (EC)DH for TLS 1.3 key shares (RFC 8446 §4.2.8.2, §7.4.2): X25519 (RFC 7748)
 * and secp256r1 (uncompressed points, x-coordinate as the shared secret).
 * Peer shares are validated: P-256 points must be on the curve, and an all-zero X25519
 * result is rejected. The arithmetic is the crypto provider's.
 */
import type { GroupName } from '../config';
import { TlsError } from '../errors';
import { isValidScalar } from './ec';
import { cryptoProvider } from './provider';
import type { Rng } from './rng';
import { GROUP_CODES as GROUP_TABLE, namesOf } from '../msgs/registry';

export interface KeyShareKeys {
  group: GroupName;
  privateKey: Uint8Array;
  /** The key_exchange bytes: 32-byte u-coordinate, or 65-byte 04‖x‖y. */
  publicKey: Uint8Array;
}

/** NamedGroup code points (msgs/registry.ts). */
export const GROUP_CODES: Readonly<Record<GroupName, number>> = GROUP_TABLE;

export function groupByCode(code: number): GroupName | undefined {
  return namesOf(GROUP_CODES).find((g) => GROUP_CODES[g] === code);
}

/** Makes a key pair; `fixedPrivate` (RFC 8448 vectors) replaces the random private key. */
export function generateKeyShare(group: GroupName, rng: Rng, fixedPrivate?: Uint8Array): KeyShareKeys {
  const privateKey = drawPrivateKey(group, rng, fixedPrivate);
  const publicKey = group === 'x25519' ? cryptoProvider().x25519PublicKey(privateKey) : cryptoProvider().ecPublicKey('p256', privateKey);
  return { group, privateKey, publicKey };
}

/**
 * The private key generateKeyShare would make, drawn from `rng` the same way, without the
 * public key's scalar multiplication (a TLS 1.2-only ClientHello carries no key share, but
 * draws what one would have so a seed keeps giving the same randoms).
 */
export function drawPrivateKey(group: GroupName, rng: Rng, fixedPrivate?: Uint8Array): Uint8Array {
  if (fixedPrivate) return fixedPrivate;
  if (group === 'x25519') return rng(32);
  // Rejection-sample a scalar in [1, n-1] from the rng (deterministic for a seeded rng).
  for (;;) {
    const cand = rng(32);
    if (isValidScalar('p256', cand)) return cand;
  }
}

/** The shared secret from our private key and the peer's key_exchange; illegal_parameter if invalid. */
export function computeSharedSecret(group: GroupName, privateKey: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  switch (group) {
    case 'x25519': {
      // RFC 8446 §4.2.8.2 / RFC 7748 §6.1: a 32-byte u-coordinate.
      if (peerPublic.length !== 32) throw new TlsError('PeerIllegalParameter', `x25519 key_exchange must be 32 bytes, got ${peerPublic.length}`);
      const s = cryptoProvider().x25519SharedSecret(privateKey, peerPublic);
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
        return cryptoProvider().ecdhSharedSecret('p256', privateKey, peerPublic);
      } catch {
        throw new TlsError('PeerIllegalParameter', 'secp256r1 key_exchange is not a point on the curve');
      }
    }
  }
}
