/** The choices the settings offer, named as IANA registers them (and as the engine names them). */
import type { Scenario } from '@tlslab/engine';

export type CipherSuiteName = NonNullable<Scenario['cipherSuite']>;
export type GroupName = Scenario['group'];
export type ServerKeyType = Scenario['serverKeyType'];
export type FaultName = Scenario['fault'];

export const SUITES_13: readonly CipherSuiteName[] = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
];

export const SUITES_12: readonly CipherSuiteName[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
];

export const GROUPS: readonly GroupName[] = ['x25519', 'secp256r1'];

export const KEY_TYPES: readonly ServerKeyType[] = ['ecdsa-p256', 'rsa-2048', 'ed25519'];

export const KEY_TYPE_LABELS: Record<ServerKeyType, string> = {
  'ecdsa-p256': 'ECDSA P-256',
  'rsa-2048': 'RSA 2048',
  ed25519: 'Ed25519',
};

export const FAULTS: { id: FaultName; label: string; only?: Scenario['version'] }[] = [
  { id: 'none', label: 'Nothing (a good handshake)' },
  { id: 'bad-server-finished', label: "Corrupt the server's Finished" },
  { id: 'tamper-ciphertext', label: 'Flip a bit in an encrypted record' },
  { id: 'bad-signature', label: "Corrupt the server's signature" },
  { id: 'wrong-host', label: 'Ask for a different host name' },
  { id: 'expired-certificate', label: 'Expired server certificate' },
  { id: 'untrusted-root', label: "Client doesn't trust the root" },
  { id: 'no-common-suite', label: 'No cipher suite in common' },
  { id: 'no-client-certificate', label: 'Mutual TLS without a client certificate' },
  { id: 'bad-premaster', label: 'Corrupt the RSA premaster (TLS 1.2 RSA)', only: 'TLS 1.2' },
];

/** A suite that needs an RSA server key (RSA key transport or ECDHE_RSA). */
export function suiteNeedsRsa(s: CipherSuiteName | undefined): boolean {
  return !!s && /^TLS_(RSA|ECDHE_RSA)_/.test(s);
}
export function suiteNeedsEcdsa(s: CipherSuiteName | undefined): boolean {
  return !!s && s.startsWith('TLS_ECDHE_ECDSA_');
}
