/**
 * The peer's certificate chain in a TLS 1.2 handshake: RFC 5280 path validation by pki/
 * (purpose server or client, and for a server leaf the keyUsage its key exchange needs:
 * keyEncipherment for RSA key transport, digitalSignature for ECDHE — RFC 5246 §7.4.2),
 * every check reported as an event, and the leaf's public key, which authenticates
 * ServerKeyExchange / CertificateVerify or receives the RSA-encrypted premaster.
 */
import type { PublicKey } from '../crypto/keys';
import { TlsError } from '../errors';
import { parseCertificateCached, verifyChain } from '../pki/verify';
import type { HandshakeIo } from '../record/connection';

export interface PeerChainCheck {
  chain: Uint8Array[];
  purpose: 'server' | 'client';
  anchors: Uint8Array[];
  now: Date;
  host?: string;
  /** The TLS 1.2 key exchange the server key serves (keyUsage check). */
  keyExchange?: 'rsa' | 'ecdhe';
  /** Report the checks but ignore their failure (ClientConfig.insecureSkipVerify). */
  insecure?: boolean;
}

/** Validates the chain and returns the leaf's public key; a failed report throws its alert. */
export function verifyPeerChain(io: HandshakeIo, c: PeerChainCheck): PublicKey {
  const t0 = io.elapsed();
  const report = verifyChain({
    chain: c.chain,
    anchors: c.anchors,
    at: c.now,
    purpose: c.purpose,
    ...(c.host !== undefined ? { host: c.host } : {}),
    ...(c.keyExchange ? { keyExchange: c.keyExchange } : {}),
  });
  for (const check of report.checks) io.emit({ type: 'cert-check', check });
  io.emit({ type: 'cert-report', report });
  io.emit({ type: 'timing', what: `${c.purpose} certificate verification`, ms: io.elapsed() - t0 });
  if (!report.ok) {
    if (c.insecure) {
      io.note(`Certificate verification failed (${report.verdict}) — ignored because verification is disabled.`);
    } else {
      const kind = report.alert === 'certificate_expired' ? 'CertExpired' : report.alert === 'unknown_ca' ? 'CertUnknownCa' : 'CertBad';
      throw new TlsError(kind, report.verdict, report.alert ?? 'bad_certificate');
    }
  }
  let leaf;
  try {
    leaf = parseCertificateCached(c.chain[0]!);
  } catch (e) {
    throw new TlsError('CertBad', `the end-entity certificate does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!leaf.publicKey) throw new TlsError('CertUnsupported', `unsupported end-entity key: ${leaf.keyProblem ?? leaf.keyDescription}`);
  return leaf.publicKey;
}
