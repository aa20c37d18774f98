/** The choices the settings offer, named as IANA registers them (and as the engine names them). */
import type { Scenario } from '@tlslab/engine';
import { GROUP_NAMES, SERVER_KEY_TYPES, TLS12_SUITE_NAMES, TLS13_SUITE_NAMES } from '@tlslab/engine/scenario';

export type CipherSuiteName = NonNullable<Scenario['cipherSuite']>;
export type GroupName = Scenario['group'];
export type ServerKeyType = Scenario['serverKeyType'];
export type FaultName = Scenario['fault'];

export const SUITES_13 = TLS13_SUITE_NAMES;
export const SUITES_12 = TLS12_SUITE_NAMES;
export const GROUPS = GROUP_NAMES;
export const KEY_TYPES = SERVER_KEY_TYPES;

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
  { id: 'downgrade', label: 'Downgrade attack: strip TLS 1.3 from the ClientHello', only: 'TLS 1.3' },
  { id: 'no-common-suite', label: 'No cipher suite in common' },
  { id: 'no-client-certificate', label: 'Mutual TLS without a client certificate' },
  { id: 'bad-premaster', label: 'RSA premaster with a wrong version (TLS 1.2 RSA)', only: 'TLS 1.2' },
  { id: 'bad-premaster-padding', label: 'RSA premaster with bad PKCS#1 padding (TLS 1.2 RSA)', only: 'TLS 1.2' },
];

/** A suite that needs an RSA server key (RSA key transport or ECDHE_RSA). */
export function suiteNeedsRsa(s: CipherSuiteName | undefined): boolean {
  return !!s && /^TLS_(RSA|ECDHE_RSA)_/.test(s);
}
export function suiteNeedsEcdsa(s: CipherSuiteName | undefined): boolean {
  return !!s && s.startsWith('TLS_ECDHE_ECDSA_');
}
