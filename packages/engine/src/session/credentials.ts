/**
 * The certificates of a run: the demo PKI made from the seed (pki/demo.ts), or the chains and
 * keys a person pasted, and what each side trusts. Every problem with a paste becomes a note
 * on the side it concerns; a pasted chain without any certificate stops the run (`error`).
 */
import type { PrivateKey } from '../crypto/keys';
import type { Side } from '../events';
import { parseCrlBundle } from '../pki/crl';
import { generateDemoPki, type DemoPki } from '../pki/demo';
import { describePublicKey, parseCertificateCached, parsePemBundle, publicKeysEqual, type ParsedCertificate } from '../pki/parse';
import { hostnameCheck } from '../pki/verify';
import type { Scenario } from '../scenario';
import type { Note, SetupError } from './event-log';

/** The demo PKI of the run (RFC 5280 certificates for `host`, valid at `at` unless the fault expires them). */
export function demoPki(sc: Scenario, host: string, at: Date): DemoPki {
  return generateDemoPki({ seed: sc.seed, serverKeyType: sc.serverKeyType, serverName: host, now: at, expired: sc.fault === 'expired-certificate' });
}

export interface ServerCredentials {
  chain: Uint8Array[];
  key?: PrivateKey;
  /** When the client checks the server's chain (the expired-certificate fault moves it past a pasted leaf's notAfter). */
  clientNow: Date;
}

/** The server's chain and key: the demo ones, or the pasted chain with the key that belongs to its leaf. */
export function serverCredentials(sc: Scenario, pki: DemoPki, host: string, at: Date, note: Note): ServerCredentials | SetupError {
  if (!sc.pastedChainPem) return { chain: pki.serverChain, key: pki.serverKey, clientNow: at };
  const bundle = parsePemBundle(sc.pastedChainPem);
  if (bundle.certificates.length === 0) return { error: `The pasted chain has no certificate: ${bundle.problems.join('; ') || 'nothing found'}` };
  for (const p of bundle.problems) note('server', `Pasted chain: ${p}`);
  const leaf = parsedLeaf(bundle.certificates[0]!);
  const key = pastedKey('server', sc.pastedKeyPem, bundle.keys, leaf, (text) => note('server', text));
  if (leaf && !leaf.publicKey) {
    note(
      'server',
      `The pasted certificate's key (${leaf.keyProblem ?? leaf.keyDescription}) cannot sign a handshake here (ECDSA P-256/P-384, RSA and Ed25519 can): the server cannot prove it owns the certificate.`,
    );
  }
  // RFC 6125 §6: the client will check the name it connects to against the certificate.
  const names = leaf && hostnameCheck(leaf, host);
  if (names && !names.pass) {
    note(
      'client',
      `The client connects to "${host}", which the pasted certificate does not name (${names.compared}): its host-name check will fail. Set the server name to a name the certificate holds to check it as a browser would.`,
    );
  }
  let clientNow = at;
  if (leaf && sc.fault === 'expired-certificate') {
    // A pasted certificate cannot be re-issued expired: the client checks it a day after its notAfter instead.
    clientNow = new Date(leaf.notAfter.getTime() + 86_400_000);
    note('client', `Fault: the client checks the pasted certificate at ${clientNow.toISOString()}, a day after it expired.`);
  }
  return { chain: bundle.certificates, ...(key ? { key } : {}), clientNow };
}

/** The client's trust anchors (RFC 5280 §6.1) and the pasted CRLs it checks the server's chain against (RFC 5280 §6.3). */
export function clientTrust(sc: Scenario, pki: DemoPki, note: Note): { anchors: Uint8Array[]; crls: Uint8Array[] } {
  const anchors = sc.fault === 'untrusted-root' ? [pki.clientRootDer] : [pki.rootDer];
  if (sc.extraTrustPem && sc.fault === 'untrusted-root') {
    note('client', 'Fault: the client does not trust the added roots either.');
  } else if (sc.extraTrustPem) {
    const tb = parsePemBundle(sc.extraTrustPem);
    anchors.push(...tb.certificates);
    for (const p of tb.problems) note('client', `Added trust anchors: ${p}`);
  }
  if (sc.fault === 'untrusted-root') note('client', 'Fault: the client does not trust the demo root CA.');
  const crls: Uint8Array[] = [];
  if (sc.crlPem?.trim()) {
    const cb = parseCrlBundle(sc.crlPem);
    crls.push(...cb.crls);
    for (const p of cb.problems) note('client', `Pasted CRL: ${p}`);
  }
  return { anchors, crls };
}

export interface ClientCredentials {
  chain: Uint8Array[];
  key?: PrivateKey;
  /** Whom the server accepts client certificates from: the demo client CA and the added anchors. */
  anchors: Uint8Array[];
}

/** Mutual TLS (RFC 8446 §4.4.2): the client's chain and key, demo or pasted, and the server's client trust anchors. */
export function clientCredentials(sc: Scenario, pki: DemoPki, mutual: boolean, note: Note): ClientCredentials | SetupError {
  let chain = pki.clientChain;
  let key: PrivateKey | undefined = pki.clientKey;
  const anchors = [pki.clientRootDer];
  if (sc.pastedClientChainPem && mutual) {
    const bundle = parsePemBundle(sc.pastedClientChainPem);
    if (bundle.certificates.length === 0) return { error: `The pasted client chain has no certificate: ${bundle.problems.join('; ') || 'nothing found'}` };
    chain = bundle.certificates;
    for (const p of bundle.problems) note('client', `Pasted client chain: ${p}`);
    key = pastedKey('client', sc.pastedClientKeyPem, bundle.keys, parsedLeaf(chain[0]!), (text) => note('client', text));
  } else if (sc.pastedClientChainPem) {
    note('client', 'A client certificate was pasted, but this run is not mutual TLS: the server does not ask for it.');
  }
  if (sc.extraClientTrustPem) {
    const tb = parsePemBundle(sc.extraClientTrustPem);
    anchors.push(...tb.certificates);
    for (const p of tb.problems) note('server', `Added client trust anchors: ${p}`);
  }
  return { chain, ...(key ? { key } : {}), anchors };
}

/**
 * The private key for a pasted chain: from the key paste (or a key pasted along with the
 * chain). A key that is unusable or belongs to another certificate is reported and left out,
 * so the side presents the chain without a key (it cannot prove it owns the certificate).
 */
function pastedKey(who: Side, keyPem: string | undefined, keysWithChain: PrivateKey[], leaf: ParsedCertificate | undefined, note: (text: string) => void): PrivateKey | undefined {
  const candidates = [...keysWithChain];
  if (keyPem?.trim()) {
    const kb = parsePemBundle(keyPem);
    candidates.push(...kb.keys);
    if (kb.keys.length === 0) note(`The pasted private key is not usable: ${kb.problems.join('; ') || 'no private key found'}. The ${who} goes on without a private key.`);
  } else if (candidates.length === 0) {
    note(`No private key was pasted for this certificate: the ${who === 'server' ? 'client' : 'server'} can check the chain, but the ${who} cannot prove it owns it.`);
  }
  // No leaf key (unreadable or unsupported): the peer's checks say why.
  const leafKey = leaf?.publicKey;
  if (candidates.length === 0 || !leafKey) return undefined;
  const match = candidates.find((k) => publicKeysEqual(k.publicKey, leafKey));
  if (!match) {
    note(
      `The pasted private key (${describePublicKey(candidates[0]!.publicKey)}) does not belong to the first certificate, whose public key is ${describePublicKey(leafKey)}: the ${who} goes on without a private key.`,
    );
  }
  return match;
}

/** A pasted leaf, parsed (parsePemBundle only keeps certificates that parse). */
function parsedLeaf(der: Uint8Array): ParsedCertificate | undefined {
  try {
    return parseCertificateCached(der);
  } catch {
    return undefined;
  }
}
