/**
 * The CLI's bridge to pki/: keys from PEM, certificates from PEM files, and the generated demo
 * chain `tlslab serve` uses when it is given no certificate.
 */
import type { CertifiedKey } from '../config';
import type { PrivateKey, ServerKeyType } from '../crypto/keys';
import { newSeed } from '../crypto/rng';
import { generateDemoPki } from '../pki/demo';
import { describePublicKey, parseCertificate, parsePemBundle, privateKeyFromPem, publicKeysEqual, toPem } from '../pki/parse';

/** The first private key in a PEM text (PKCS#8, SEC1, PKCS#1); throws with a clear reason. */
export function privateKeyFromPemText(pem: string): PrivateKey {
  return privateKeyFromPem(pem);
}

/** Certificates of a PEM text (or DER bytes), plus what could not be used. */
export function certificatesFromPemText(input: string | Uint8Array): { certificates: Uint8Array[]; problems: string[] } {
  const b = parsePemBundle(input);
  return { certificates: b.certificates, problems: b.problems };
}

/** The host names the demo server certificate is issued for. */
export const DEMO_SERVER_NAME = 'localhost';

/** A fresh demo chain (root → intermediate → leaf for `localhost`), and the root as PEM. */
export function demoServerChain(keyType: ServerKeyType, serverName = DEMO_SERVER_NAME): { cert: CertifiedKey; rootPem: string; names: string[] } {
  const pki = generateDemoPki({ seed: newSeed(), serverKeyType: keyType, serverName });
  return { cert: { chain: pki.serverChain, key: pki.serverKey }, rootPem: toPem(pki.rootDer), names: [serverName] };
}

/**
 * Why `key` cannot be used with the leaf certificate `leafDer` (a key of another certificate,
 * or a leaf whose key type is not supported), or undefined when it belongs.
 */
export function keyMismatch(leafDer: Uint8Array, key: PrivateKey): string | undefined {
  const leaf = parseCertificate(leafDer);
  if (!leaf.publicKey) return `the certificate's key is not supported (${leaf.keyProblem ?? leaf.keyDescription})`;
  if (publicKeysEqual(key.publicKey, leaf.publicKey)) return undefined;
  return `the private key (${describePublicKey(key.publicKey)}) does not belong to the certificate (${describePublicKey(leaf.publicKey)})`;
}
