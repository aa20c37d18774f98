/**
 * The Worker's certificate commands: a pasted chain (with its key, extra anchors and CRLs)
 * inspected and verified under both policies, and a chain re-verified with other settings.
 */
import { describePublicKey, parseCertificate, parsePemBundle, publicKeysEqual } from '../pki/parse';
import { verifyChain, type Policy } from '../pki/verify';
import { parseCrlBundle } from '../pki/crl';
import type { FromWorker, PemInspection, ToWorker } from './protocol';

export function inspect(msg: Extract<ToWorker, { type: 'inspect-pem' }>): PemInspection {
  const bundle = parsePemBundle(msg.chainPem);
  const problems = [...bundle.problems];
  const keys = [...bundle.keys];
  if (msg.keyPem?.trim()) {
    const kb = parsePemBundle(msg.keyPem);
    keys.push(...kb.keys);
    problems.push(...kb.problems.map((p) => `Private key box: ${p}`));
    if (kb.certificates.length > 0) problems.push('Private key box: it holds a certificate; paste certificates in the certificate box.');
    if (kb.keys.length === 0 && kb.problems.length === 0) problems.push('Private key box: no private key found.');
  }
  const anchors: Uint8Array[] = [];
  if (msg.extraTrustPem?.trim()) {
    const tb = parsePemBundle(msg.extraTrustPem);
    anchors.push(...tb.certificates);
    problems.push(...tb.problems.map((p) => `Trust anchors box: ${p}`));
  }
  if (bundle.certificates.length === 0) {
    if (problems.length === 0) problems.push('No certificate found; expected PEM (-----BEGIN CERTIFICATE-----) or DER.');
    return { certificates: 0, keys: keys.map((k) => describePublicKey(k.publicKey)), problems };
  }
  const purpose = msg.purpose ?? 'server';
  const leaf = bundle.certificates[0]!;
  if (keys.length > 0) {
    try {
      const leafKey = parseCertificate(leaf).publicKey;
      if (leafKey && !keys.some((k) => publicKeysEqual(k.publicKey, leafKey)))
        problems.push(`The private key does not belong to the first (leaf) certificate: the ${purpose} could not prove it owns it.`);
    } catch {
      /* the report below says what is wrong with the leaf */
    }
  }
  const crls = readCrls(msg.crlPem, problems);
  const judge = (policy: Policy | undefined) =>
    verifyChain({
      chain: bundle.certificates,
      anchors,
      host: purpose === 'server' ? msg.host || undefined : undefined,
      purpose,
      at: msg.at ? new Date(msg.at) : undefined,
      ...(policy ? { policy } : {}),
      ...(crls.length ? { crls } : {}),
      ...(msg.email ? { email: msg.email } : {}),
    });
  // Without a policy the verifier's default judges; the comparison is with the other one.
  const report = judge(msg.policy);
  const other: Policy = (report.policy ?? msg.policy ?? 'webpki') === 'webpki' ? 'rfc5280' : 'webpki';
  return {
    certificates: bundle.certificates.length,
    keys: keys.map((k) => describePublicKey(k.publicKey)),
    problems,
    report,
    comparison: { policy: other, report: judge(other) },
    ...(msg.crlPem?.trim() ? { crls: crls.length } : {}),
  };
}

/** CRLs of a CRL box; what cannot be used goes to `problems`. */
function readCrls(pem: string | undefined, problems: string[]): Uint8Array[] {
  if (!pem?.trim()) return [];
  const cb = parseCrlBundle(pem);
  problems.push(...cb.problems.map((p) => `CRL box: ${p}`));
  return cb.crls;
}

export function reverify(msg: Extract<ToWorker, { type: 'verify' }>): FromWorker {
  const problems: string[] = [];
  const crls = readCrls(msg.crlPem, problems);
  const report = verifyChain({
    chain: msg.chain,
    anchors: msg.anchors,
    purpose: msg.purpose,
    policy: msg.policy,
    ...(msg.at ? { at: new Date(msg.at) } : {}),
    ...(msg.host !== undefined ? { host: msg.host } : {}),
    ...(msg.keyExchange ? { keyExchange: msg.keyExchange } : {}),
    ...(crls.length ? { crls } : {}),
    ...(msg.email ? { email: msg.email } : {}),
  });
  return { type: 'verified', id: msg.id, report };
}
