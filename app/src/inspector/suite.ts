/**
 * A cipher suite's name, taken apart. TLS 1.2 names carry four choices (key exchange,
 * authentication, bulk cipher, hash: RFC 5246 §A.5, RFC 8422 §6); TLS 1.3 names only carry the
 * AEAD and the hash (RFC 8446 §B.4), because key exchange and authentication are negotiated
 * separately (key_share / supported_groups and signature_algorithms).
 */

export interface SuitePart {
  role: 'key exchange' | 'authentication' | 'bulk cipher' | 'hash';
  /** The piece of the name, e.g. `ECDHE`, `AES_128_GCM`. */
  token: string;
  /** What it means, in plain words. */
  means: string;
}

export interface SuiteAnatomy {
  name: string;
  version: 'TLS 1.2' | 'TLS 1.3';
  parts: SuitePart[];
}

const BULK: Record<string, string> = {
  AES_128_GCM: 'AES with a 128-bit key in Galois/Counter Mode: an AEAD that encrypts and authenticates each record',
  AES_256_GCM: 'AES with a 256-bit key in Galois/Counter Mode: an AEAD that encrypts and authenticates each record',
  CHACHA20_POLY1305: 'the ChaCha20 stream cipher with the Poly1305 authenticator: an AEAD, fast without AES hardware',
  AES_128_CCM: 'AES-128 in Counter with CBC-MAC mode (an AEAD)',
  AES_128_CCM_8: 'AES-128 in CCM mode with an 8-byte tag (an AEAD)',
};

function hashMeaning(h: string, version: SuiteAnatomy['version']): string {
  const base = `${h.replace('SHA', 'SHA-')}`;
  return version === 'TLS 1.3'
    ? `${base}: the hash of HKDF, so of every secret in the key schedule, of the transcript and of Finished`
    : `${base}: the hash of the PRF that turns the premaster into the master secret and the keys, and of Finished (the AEAD authenticates records itself)`;
}

/** The anatomy of a suite name, or undefined for a name that is not of either form. */
export function suiteAnatomy(name: string): SuiteAnatomy | undefined {
  const n = name.replace(/\s*\(0x[0-9a-f]+\)$/i, '');
  const m12 = /^TLS_(ECDHE|DHE|RSA|ECDH|DH)(?:_(ECDSA|RSA))?_WITH_(.+)_(SHA\d*)$/.exec(n);
  if (m12) {
    const [, kx, auth0, bulk, hash] = m12 as unknown as [string, string, string | undefined, string, string];
    const auth = auth0 ?? kx; // TLS_RSA_WITH_…: RSA does both
    const kxMeans =
      kx === 'RSA'
        ? 'RSA key transport: the client encrypts a random premaster secret to the public key in the server certificate (no forward secrecy)'
        : kx === 'ECDHE'
          ? 'ephemeral elliptic-curve Diffie-Hellman: both sides make a fresh key pair for this connection (forward secrecy)'
          : kx === 'DHE'
            ? 'ephemeral finite-field Diffie-Hellman (forward secrecy)'
            : 'static Diffie-Hellman with the key in the certificate';
    const authMeans =
      auth === 'RSA' && kx === 'RSA'
        ? 'the server proves its identity implicitly: only the holder of the certificate’s RSA key can decrypt the premaster'
        : `the server signs its key-exchange parameters with the ${auth} key in its certificate`;
    return {
      name: n,
      version: 'TLS 1.2',
      parts: [
        { role: 'key exchange', token: kx, means: kxMeans },
        { role: 'authentication', token: auth, means: authMeans },
        { role: 'bulk cipher', token: bulk, means: BULK[bulk] ?? 'the record cipher' },
        { role: 'hash', token: hash, means: hashMeaning(hash, 'TLS 1.2') },
      ],
    };
  }
  const m13 = /^TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305|AES_128_CCM|AES_128_CCM_8)_(SHA\d+)$/.exec(n);
  if (m13) {
    const [, aead, hash] = m13 as unknown as [string, string, string];
    return {
      name: n,
      version: 'TLS 1.3',
      parts: [
        { role: 'bulk cipher', token: aead, means: BULK[aead] ?? 'the record AEAD' },
        { role: 'hash', token: hash, means: hashMeaning(hash, 'TLS 1.3') },
      ],
    };
  }
  return undefined;
}

/** Why a TLS 1.3 suite name has no key exchange or authentication in it. */
export const WHY_13_IS_SHORT =
  'TLS 1.3 always uses ephemeral (EC)DHE or a pre-shared key, and negotiates the group in supported_groups / key_share and the signature in signature_algorithms. A suite name therefore only says how records are protected (the AEAD) and which hash the key schedule uses — which is why TLS 1.3 needs only five suites where TLS 1.2 had hundreds of combinations.';
