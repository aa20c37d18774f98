/**
 * The peer's certificate chain in a handshake, for both versions: RFC 5280 path validation by
 * pki/ (purpose server or client, and for a server leaf the keyUsage its key exchange needs:
 * keyEncipherment for TLS 1.2 RSA key transport, digitalSignature when the key signs — TLS 1.2
 * ECDHE, every TLS 1.3 handshake; RFC 5246 §7.4.2, RFC 8446 §4.4.2.2), every check reported as
 * an event, and the leaf's public key, which authenticates ServerKeyExchange /
 * CertificateVerify or receives the RSA-encrypted premaster.
 */
import type { PeerVerification } from '../config';
import type { PublicKey } from '../crypto/keys';
import { TlsError, type CertErrorKind } from '../errors';
import { checkError, decisiveFailure } from '../pki/checks';
import { parseCertificateCached, verifyChain } from '../pki/verify';
import type { VerificationReportSummary } from '../events';
import type { HandshakeIo } from '../record/handshake-io';

export interface PeerChainCheck extends PeerVerification {
  chain: Uint8Array[];
  purpose: 'server' | 'client';
  anchors: Uint8Array[];
  now: Date;
  host?: string;
  /**
   * What the server key does (keyUsage check): 'rsa' = TLS 1.2 RSA key transport
   * (keyEncipherment); 'ecdhe' = it signs the handshake (digitalSignature; TLS 1.3 too).
   */
  keyExchange?: 'rsa' | 'ecdhe';
  /** Report the checks but ignore their failure (ClientConfig.insecureSkipVerify). */
  insecure?: boolean;
}

/** The error kind of a failed report: that of its decisive failing check (pki/checks.ts). */
export function reportError(report: VerificationReportSummary): CertErrorKind {
  const first = decisiveFailure(report.checks.filter((c) => !c.pass));
  return first ? checkError(first) : 'CertBad';
}

/** Validates the chain and returns the leaf's public key; a failed report throws its alert. */
export function verifyPeerChain(io: HandshakeIo, c: PeerChainCheck): PublicKey {
  const t0 = io.elapsed();
  let report;
  try {
    report = verifyChain({
      chain: c.chain,
      anchors: c.anchors,
      at: c.now,
      purpose: c.purpose,
      // A browser's rules for a server; the RFC alone for a client (mutual TLS in a private PKI).
      policy: c.policy ?? (c.purpose === 'server' ? 'webpki' : 'rfc5280'),
      ...(c.host !== undefined ? { host: c.host } : {}),
      ...(c.keyExchange || c.purpose === 'client' ? { keyExchange: c.keyExchange ?? 'ecdhe' } : {}),
      ...(c.crls?.length ? { crls: c.crls } : {}),
      ...(c.email !== undefined ? { email: c.email } : {}),
    });
  } catch (e) {
    // verifyChain reports bad input as failed checks; anything it still throws is a chain it cannot process.
    throw new TlsError('CertBad', `the ${c.purpose} certificate chain could not be checked: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const check of report.checks) io.emit({ type: 'cert-check', check });
  io.emit({ type: 'cert-report', report });
  io.emit({ type: 'timing', what: `${c.purpose} certificate verification`, ms: io.elapsed() - t0 });
  if (!report.ok) {
    if (c.insecure) {
      io.note(`Certificate verification failed (${report.verdict}) — ignored because verification is disabled.`);
    } else {
      // The one table in errors.ts turns the kind into the alert (the report's `alert` is the same).
      throw new TlsError(reportError(report), report.verdict);
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
