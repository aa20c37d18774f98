/**
 * Key types shared by signatures, RSA key transport and the PKI. Plain data (structured-
 * cloneable) so keys cross the Worker boundary. Implementation: crypto/signature.ts, crypto/rsa.ts,
 * and pki/ (parsing from SPKI / PKCS#8 / SEC1 / PKCS#1).
 */

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa' | 'ed25519';

export type PublicKey =
  | { type: 'ecdsa-p256' | 'ecdsa-p384'; /** uncompressed point 04‖x‖y */ point: Uint8Array }
  | { type: 'ed25519'; key: Uint8Array }
  | { type: 'rsa'; n: bigint; e: bigint; bits: number };

export type PrivateKey =
  | { type: 'ecdsa-p256' | 'ecdsa-p384'; d: Uint8Array; publicKey: PublicKey }
  | { type: 'ed25519'; seed: Uint8Array; publicKey: PublicKey }
  | {
      type: 'rsa';
      n: bigint;
      e: bigint;
      d: bigint;
      p: bigint;
      q: bigint;
      dp: bigint;
      dq: bigint;
      qi: bigint;
      bits: number;
      publicKey: PublicKey;
    };

/** The server certificate key types a run can choose (names used in CLI, URL and UI). */
export type ServerKeyType = 'ecdsa-p256' | 'rsa-2048' | 'ed25519';

/** TLS SignatureScheme names (IANA), RFC 8446 §4.2.3: the registry table is msgs/registry.ts. */
export type { SignatureSchemeName } from '../msgs/registry';
