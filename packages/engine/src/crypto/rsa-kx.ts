/**
 * RSA key transport (RFC 5246 §7.4.7.1): the client makes the premaster secret
 *
 *   struct { ProtocolVersion client_version; opaque random[46]; } PreMasterSecret;
 *
 * and encrypts it with RSAES-PKCS1-v1_5 to the public key in the server's certificate. The
 * server decrypts it WITHOUT becoming a padding oracle (Bleichenbacher 1998, "ROBOT" 2017):
 * whatever is wrong with the ciphertext — padding, length, client_version — it carries on
 * with a random premaster, so the handshake fails only at Finished, indistinguishably from
 * any other key mismatch. The bigint RSA and the constant-flow decryption live in
 * crypto/rsa.ts; this file binds them to the TLS message.
 */
import { rsaDecryptPremaster, rsaEncryptPkcs1v15, type RsaPrivateKey } from './rsa';
import type { PublicKey } from './keys';
import type { Rng } from './rng';
import { TlsError } from '../errors';

const PREMASTER_LENGTH = 48;

/** client_version ‖ random[46]; `clientVersion` is ClientHello.client_version (legacy_version). */
export function makeRsaPremaster(rng: Rng, clientVersion: [number, number] = [3, 3]): Uint8Array {
  const pms = new Uint8Array(PREMASTER_LENGTH);
  pms[0] = clientVersion[0];
  pms[1] = clientVersion[1];
  pms.set(rng(46), 2);
  return pms;
}

/**
 * EncryptedPreMasterSecret = RSAES-PKCS1-v1_5-Encrypt(server public key, premaster).
 * `badPadding` (a teaching fault): the block starts 00 01 instead of 00 02 (RFC 8017 §7.2.1).
 */
export function encryptPremaster(serverKey: PublicKey, premaster: Uint8Array, rng: Rng, badPadding = false): Uint8Array {
  if (serverKey.type !== 'rsa') throw new TlsError('PeerIllegalParameter', `RSA key transport needs an RSA server certificate, got ${serverKey.type}`);
  return rsaEncryptPkcs1v15(serverKey, premaster, rng, badPadding ? 0x01 : 0x02);
}

export interface ServerPremaster {
  premaster: Uint8Array;
  /**
   * Whether the countermeasure replaced the premaster. For the event log ONLY: the endpoint
   * must not branch on it (no alert, no early exit), or it would be an oracle again.
   */
  substituted: boolean;
  problem?: string;
}

/**
 * Server side, RFC 5246 §7.4.7.1: decrypt, and on any failure (bad padding, wrong length,
 * client_version ≠ ClientHello.client_version) continue with a random 48-byte premaster.
 * Never throws for a bad ciphertext.
 */
export function decryptPremaster(key: RsaPrivateKey, encrypted: Uint8Array, clientVersion: [number, number], rng: Rng): ServerPremaster {
  const r = rsaDecryptPremaster(key, encrypted, clientVersion, rng);
  return r.wellFormed ? { premaster: r.premaster, substituted: false } : { premaster: r.premaster, substituted: true, ...(r.problem ? { problem: r.problem } : {}) };
}
