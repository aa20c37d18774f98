/**
 * The CLI's bridge to pki/: keys from PEM, certificates from PEM files, and the generated demo
 * chain `tlslab serve` uses when it is given no certificate.
 */
import type { CertifiedKey } from '../config';
import type { PrivateKey, ServerKeyType } from '../crypto/keys';
import { isIP } from 'node:net';
import { newSeed, seededRng } from '../crypto/rng';
import { buildCertificate, type NameSpec } from '../pki/build';
import { demoKey } from '../pki/demo';
import { OID, describePublicKey, parseCertificate, parsePemBundle, privateKeyFromPem, publicKeysEqual, toPem } from '../pki/parse';

/** The first private key in a PEM text (PKCS#8, SEC1, PKCS#1); throws with a clear reason. */
export function privateKeyFromPemText(pem: string): PrivateKey {
  return privateKeyFromPem(pem);
}

/** Certificates of a PEM text (or DER bytes), plus what could not be used. */
export function certificatesFromPemText(input: string | Uint8Array): { certificates: Uint8Array[]; problems: string[] } {
  const b = parsePemBundle(input);
  return { certificates: b.certificates, problems: b.problems };
}

/** The names the demo server certificate is issued for (besides a --servername). */
const DEMO_SERVER_NAMES = ['localhost', '127.0.0.1', '::1'];

const DAY = 24 * 3600 * 1000;

/**
 * A fresh demo chain for `tlslab serve`: root CA → intermediate CA → leaf, the leaf valid for
 * localhost, 127.0.0.1 and ::1 (so `connect localhost:PORT` and `connect 127.0.0.1:PORT` both
 * verify) plus `serverName` if given; CA keys ECDSA P-256, the leaf key of `keyType`. Built
 * with pki/'s certificate builder; the root is returned as PEM for the file serve writes.
 */
export function demoServerChain(keyType: ServerKeyType, serverName?: string): { cert: CertifiedKey; rootPem: string; names: string[] } {
  const seed = newSeed();
  const rng = (label: string) => seededRng(seed, `serve:${label}`);
  const now = Date.now();
  const rootKey = demoKey(seed, 'serve-root', 'ecdsa-p256');
  const interKey = demoKey(seed, 'serve-intermediate', 'ecdsa-p256');
  const leafKey = demoKey(seed, 'serve-leaf', keyType);
  const rootName: NameSpec = [
    ['O', 'TLS Lab'],
    ['CN', `TLS Lab serve Root CA ${seed}`],
  ];
  const interName: NameSpec = [
    ['O', 'TLS Lab'],
    ['CN', `TLS Lab serve Intermediate CA ${seed}`],
  ];
  const caValidity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
  const rootDer = buildCertificate({
    subject: rootName,
    publicKey: rootKey.publicKey,
    selfKey: rootKey,
    ...caValidity,
    ca: { ca: true },
    keyUsage: ['keyCertSign', 'crlSign'],
    rng: rng('root'),
  });
  const intermediateDer = buildCertificate({
    subject: interName,
    publicKey: interKey.publicKey,
    issuer: { name: rootName, key: rootKey },
    ...caValidity,
    ca: { ca: true, pathLen: 0 },
    keyUsage: ['keyCertSign', 'crlSign'],
    rng: rng('intermediate'),
  });
  const names = [...new Set([...(serverName ? [serverName] : []), ...DEMO_SERVER_NAMES])];
  const ips = names.filter((n) => isIP(n) !== 0);
  const dns = names.filter((n) => isIP(n) === 0);
  const leafDer = buildCertificate({
    subject: [
      ['O', 'TLS Lab'],
      ['CN', dns[0] ?? 'localhost'],
    ],
    publicKey: leafKey.publicKey,
    issuer: { name: interName, key: interKey },
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 30 * DAY),
    ca: { ca: false },
    // RFC 5280 §4.2.1.3: an RSA key may also transport the TLS 1.2 premaster.
    keyUsage: keyType === 'rsa-2048' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extKeyUsage: [OID.serverAuth],
    dns,
    ips,
    rng: rng('leaf'),
  });
  return { cert: { chain: [leafDer, intermediateDer], key: leafKey }, rootPem: toPem(rootDer), names };
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
