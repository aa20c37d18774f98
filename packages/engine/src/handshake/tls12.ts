/**
 * What both TLS 1.2 endpoints share once the premaster secret is known: the master secret
 * (with the extended master secret's session hash when negotiated, RFC 7627 §4) and the key
 * block (RFC 5246 §6.3), each reported as it is derived.
 */
import { digest } from '../crypto/prf';
import { deriveKeyBlock, deriveMasterSecret, type SecretReporter, type Tls12TrafficKeys } from '../crypto/tls12-key-schedule';
import type { Tls12Suite } from '../crypto/tls12-suites';
import { transcriptBytes } from './flow';

/** What the derivation reads of a side's handshake so far. */
export interface Tls12KeyInputs {
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** Extended master secret negotiated (RFC 7627). */
  ems: boolean;
  /** handshake_messages so far: ClientHello .. ClientKeyExchange. */
  transcript: readonly Uint8Array[];
  report: SecretReporter;
}

/** master_secret and the key block from the premaster (RFC 5246 §8.1, RFC 7627 §4, RFC 5246 §6.3). */
export function deriveTls12Secrets(suite: Tls12Suite, premaster: Uint8Array, hs: Tls12KeyInputs): { masterSecret: Uint8Array; keys: Tls12TrafficKeys } {
  // RFC 7627 §4: session_hash = Hash(ClientHello .. ClientKeyExchange).
  const masterSecret = deriveMasterSecret({
    hash: suite.hash,
    premaster,
    clientRandom: hs.clientRandom,
    serverRandom: hs.serverRandom,
    ...(hs.ems ? { sessionHash: digest(suite.hash, transcriptBytes(hs.transcript)) } : {}),
    report: hs.report,
  });
  const keys = deriveKeyBlock({ suite, masterSecret, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom, report: hs.report });
  return { masterSecret, keys };
}
