/** The choices the settings offer, named as IANA registers them (and as the engine names them). */
import type { Scenario } from '@tlslab/engine';
import { FAULT_NAMES, FAULT_VERSIONS, GROUP_NAMES, SERVER_KEY_TYPES, TLS12_SUITE_NAMES, TLS13_SUITE_NAMES } from '@tlslab/engine/scenario';

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

const FAULT_LABELS: Record<FaultName, string> = {
  none: 'Nothing (a good handshake)',
  'bad-server-finished': "Corrupt the server's Finished",
  'tamper-ciphertext': 'Flip a bit in an encrypted record',
  'bad-signature': "Corrupt the server's signature",
  'wrong-host': 'Ask for a different host name',
  'expired-certificate': 'Expired server certificate',
  'untrusted-root': "Client doesn't trust the root",
  downgrade: 'Downgrade attack: strip TLS 1.3 from the ClientHello',
  'no-common-suite': 'No cipher suite in common',
  'no-client-certificate': 'Mutual TLS without a client certificate',
  'bad-premaster': 'RSA premaster with a wrong version (TLS 1.2 RSA)',
  'bad-premaster-padding': 'RSA premaster with bad PKCS#1 padding (TLS 1.2 RSA)',
};

/** The "Break something" choices: the engine's faults, in its order, with the version a fault needs (the engine's rule). */
export const FAULTS: { id: FaultName; label: string; only?: Scenario['version'] }[] = FAULT_NAMES.map((id) => {
  const only = FAULT_VERSIONS[id];
  return { id, label: FAULT_LABELS[id], ...(only ? { only } : {}) };
});

/**
 * The round-trip times the Time tab and the diagram's time axis offer (ms): a nearby server, a
 * distant one, a satellite link.
 */
export const RTT_CHOICES = [20, 100, 300] as const;
export type RttChoice = (typeof RTT_CHOICES)[number];
