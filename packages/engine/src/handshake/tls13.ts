/**
 * What both TLS 1.3 endpoints share (RFC 8446): the CertificateVerify content and its check,
 * the (EC)DHE shared secret, the application secrets and KeyUpdate's next traffic keys.
 * client/tls13.ts and server/tls13.ts import these; neither imports the other.
 */
import { concatBytes, utf8 } from '../codec/hex';
import type { GroupName } from '../config';
import { computeSharedSecret } from '../crypto/ecdhe';
import type { PublicKey, SignatureSchemeName } from '../crypto/keys';
import { schemeMatchesKey, signatureSchemeFromCode, verify } from '../crypto/signature';
import type { KeySchedule } from '../crypto/tls13-key-schedule';
import type { Suite13 } from '../crypto/tls13-suites';
import type { Transcript } from '../crypto/transcript';
import { TlsError } from '../errors';
import { nameOf, SIGNATURE_SCHEMES } from '../msgs/enums';
import type { EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/handshake-io';
import { Protection13 } from '../record/tls13';

/** Post-handshake: what a KeyUpdate needs. */
export interface AppSecrets13 {
  suite: Suite13;
  ks: KeySchedule;
  clientSecret: Uint8Array;
  serverSecret: Uint8Array;
  clientGeneration: number;
  serverGeneration: number;
  /** For the PSKs of NewSessionTickets (RFC 8446 §4.6.1). */
  resumptionMasterSecret?: Uint8Array;
  alpn?: string;
}

export const SERVER_CV_CONTEXT = 'TLS 1.3, server CertificateVerify';
export const CLIENT_CV_CONTEXT = 'TLS 1.3, client CertificateVerify';

/** The content covered by a CertificateVerify signature (RFC 8446 §4.4.3). */
export function certificateVerifyContent(context: string, transcriptHash: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array(64).fill(0x20), utf8.encode(context), new Uint8Array([0]), transcriptHash);
}

/** The (EC)DHE shared secret (RFC 8446 §7.4) from our private key and the peer's key_share, reported as a secret. */
export function ecdheSharedSecret(io: HandshakeIo, group: GroupName, ourPrivate: Uint8Array, peerShare: Uint8Array): Uint8Array {
  const shared = computeSharedSecret(group, ourPrivate, peerShare);
  const peer = io.side === 'client' ? 'server' : 'client';
  io.secret({
    name: 'ecdhe_shared_secret',
    value: shared,
    formula: `${group === 'x25519' ? 'X25519' : 'ECDH-P256 (x-coordinate)'}(${io.side} private key, ${peer} key_share)`,
    inputs: [
      { name: `${io.side} private key`, value: ourPrivate },
      { name: `${peer} key_exchange`, value: peerShare },
    ],
    rfc: 'RFC 8446 §7.4',
    stage: 'handshake',
    parents: [],
    position: 'input',
  });
  return shared;
}

/** TLS 1.3 forbids PKCS#1 v1.5 in CertificateVerify (RFC 8446 §4.4.3). */
export function tls13Scheme(s: SignatureSchemeName): boolean {
  return !s.startsWith('rsa_pkcs1');
}

/** Verifies a CertificateVerify from the peer (RFC 8446 §4.4.3). */
export function checkCertificateVerify(
  io: HandshakeIo,
  transcript: Transcript,
  suite: Suite13,
  m: Extract<EncodedMessage['msg'], { type: 'CertificateVerify' }>,
  leafKey: PublicKey,
  offered: readonly number[],
  context: string,
): SignatureSchemeName {
  const scheme = signatureSchemeFromCode(m.scheme);
  // RFC 8446 §4.4.3: the scheme must be one offered in signature_algorithms and fit the key.
  if (!scheme || !offered.includes(m.scheme) || !tls13Scheme(scheme)) {
    throw new TlsError('PeerIllegalParameter', `CertificateVerify uses ${nameOf(SIGNATURE_SCHEMES, m.scheme)}, which was not offered for TLS 1.3`);
  }
  if (!schemeMatchesKey(scheme, leafKey)) throw new TlsError('PeerIllegalParameter', `CertificateVerify scheme ${scheme} does not match the ${leafKey.type} certificate key`);
  const th = transcript.hash(suite.hash);
  const content = certificateVerifyContent(context, th);
  const ok = timed(io, `CertificateVerify ${scheme} verification`, () => verify(scheme, leafKey, content, m.signature));
  // RFC 8446 §4.4.3: a signature that does not verify is a decrypt_error.
  if (!ok) throw new TlsError('PeerBadSignature', `CertificateVerify ${scheme} signature does not verify`);
  return scheme;
}

/** KeyUpdate (RFC 8446 §4.6.3), either side: next read secret; answer if asked. */
export function nextTrafficKeys(app: AppSecrets13, which: 'client' | 'server'): Protection13 {
  const cur = which === 'client' ? app.clientSecret : app.serverSecret;
  const gen = which === 'client' ? app.clientGeneration++ : app.serverGeneration++;
  const next = app.ks.nextApplicationSecret(cur, `${which}_application_traffic_secret_${gen}`, `${which}_application_traffic_secret_${gen + 1}`);
  if (which === 'client') app.clientSecret = next;
  else app.serverSecret = next;
  const k = app.ks.trafficKeys(next, `${which}_application_traffic_secret_${gen + 1}`, `${which}_application`, app.suite.keyLen, app.suite.ivLen);
  return new Protection13(app.suite, k.key, k.iv, `${which}_application_traffic_secret_${gen + 1}`);
}
