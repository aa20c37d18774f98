/**
 * A Scenario is everything a run is made from: the settings a person picks in the app (or on
 * the `tlslab simulate` command line) plus the seed. Same scenario + same seed = same bytes.
 * It is plain data so it round-trips through the URL and the Worker.
 */
import type { CipherSuiteName, GroupName } from './config';
import type { ServerKeyType } from './crypto/keys';
import type { TlsVersionName } from './events';
import { GROUP_CODES, namesOf, TLS12_SUITE_CODES, TLS13_SUITE_CODES } from './msgs/registry';
import type { Policy } from './pki/verify';

/** Ways to break a run on purpose; each ends in a specific alert. */
export type FaultName =
  | 'none'
  /** Flip a bit in the server's Finished verify_data (before encryption) → decrypt_error. */
  | 'bad-server-finished'
  /** Flip a bit in a protected record's ciphertext on the wire → bad_record_mac. */
  | 'tamper-ciphertext'
  /** Corrupt the server's CertificateVerify / ServerKeyExchange signature → decrypt_error. */
  | 'bad-signature'
  /** Client asks for a different server name than the certificate holds → bad_certificate. */
  | 'wrong-host'
  /** Server certificate expired at the time of the run (a pasted chain: checked a day after its notAfter) → certificate_expired. */
  | 'expired-certificate'
  /** Client does not trust the server's root (nor the added roots) → unknown_ca. */
  | 'untrusted-root'
  /**
   * TLS 1.3 runs: both sides speak 1.3 and 1.2; a man in the middle removes TLS 1.3 from the
   * ClientHello's supported_versions. The server negotiates 1.2 with the downgrade sentinel in
   * its random, and the client sees it → illegal_parameter (RFC 8446 §4.1.3).
   */
  | 'downgrade'
  /** Client offers only suites the server does not accept → handshake_failure. */
  | 'no-common-suite'
  /** Mutual TLS required but the client has no certificate → certificate_required / handshake_failure. */
  | 'no-client-certificate'
  /** TLS 1.2 RSA: the client encrypts a premaster with a wrong client_version → the server continues with a random one; Finished fails (bad_record_mac). */
  | 'bad-premaster'
  /** TLS 1.2 RSA: the client's RSA block has wrong PKCS#1 v1.5 padding (Bleichenbacher's case) → the same random premaster, the same bad_record_mac. */
  | 'bad-premaster-padding';

export interface Scenario {
  seed: string;
  version: TlsVersionName;
  /** Undefined: the default preference list for the version. */
  cipherSuite?: CipherSuiteName;
  group: GroupName;
  /** Client sends its first key share for the other group, so the server answers HelloRetryRequest. */
  helloRetry: boolean;
  serverKeyType: ServerKeyType;
  /**
   * The host the client connects to: a host name (U-labels allowed, converted once to A-labels,
   * RFC 5890), sent as server_name and checked against the certificate. `validateServerName`
   * says why a name is refused.
   */
  serverName: string;
  /** False: the client sends no server_name extension (it still checks the certificate for `serverName`). Default true. */
  sni?: boolean;
  /** TLS 1.2: the client offers extended_master_secret (RFC 7627). False shows the classic RFC 5246 §8.1 master secret. Default true. */
  extendedMasterSecret?: boolean;
  mutual: boolean;
  /** A pasted server chain (PEM) to use instead of the demo PKI; with `pastedKeyPem` it can sign. */
  pastedChainPem?: string;
  pastedKeyPem?: string;
  /** Extra trust anchors (PEM) the client accepts besides the demo root. */
  extraTrustPem?: string;
  /** Mutual TLS: a pasted client chain (PEM) instead of the demo client certificate; with `pastedClientKeyPem` it can sign. */
  pastedClientChainPem?: string;
  pastedClientKeyPem?: string;
  /** Mutual TLS: extra trust anchors (PEM) the server accepts client certificates from, besides the demo client CA. */
  extraClientTrustPem?: string;
  fault: FaultName;
  /** The application data the client sends once connected (default: an HTTP/1.1 GET). */
  request?: string;
  /** Verification policy of both sides' certificate checks (default webpki). */
  policy?: Policy;
  /** CRLs (PEM or base64 DER) the client checks the server's chain against (RFC 5280 §6.3). */
  crlPem?: string;
  /** Mutual TLS: the e-mail address the server expects in the client certificate (rfc822Name). */
  clientEmail?: string;
  /**
   * The run's clock (ISO 8601; the link's `t=`): certificate validity, the demo certificates'
   * dates, ticket ages. Default: a fixed instant derived from the seed (`clockFromSeed`), so the
   * same link gives the same bytes on any day. Never the machine's clock.
   */
  at?: string;
  /**
   * TLS 1.3: resume a session (RFC 8446 §2.2). An earlier full handshake, whose events are not
   * shown, gives the client a ticket; the run shown offers its PSK and resumes.
   */
  resumption?: boolean;
  /** With `resumption`: the client sends its request as 0-RTT early data with the ClientHello (RFC 8446 §2.3). */
  earlyData?: boolean;
}

export const DEFAULT_SCENARIO: Scenario = {
  seed: '0',
  version: 'TLS 1.3',
  group: 'x25519',
  helloRetry: false,
  serverKeyType: 'ecdsa-p256',
  serverName: 'server.tlslab.test',
  mutual: false,
  fault: 'none',
};

// The names a run can be set up with, as IANA registers them: from the one table per registry
// (msgs/registry.ts, pure data), so the app's main thread and the CLI offer exactly what the
// engine supports without loading engine code.

export const TLS13_SUITE_NAMES: readonly CipherSuiteName[] = namesOf(TLS13_SUITE_CODES);

export const TLS12_SUITE_NAMES: readonly CipherSuiteName[] = namesOf(TLS12_SUITE_CODES);

export const GROUP_NAMES: readonly GroupName[] = namesOf(GROUP_CODES);

export const SERVER_KEY_TYPES: readonly ServerKeyType[] = ['ecdsa-p256', 'rsa-2048', 'ed25519'];

export const FAULT_NAMES: readonly FaultName[] = [
  'none',
  'bad-server-finished',
  'tamper-ciphertext',
  'bad-signature',
  'wrong-host',
  'expired-certificate',
  'untrusted-root',
  'downgrade',
  'no-common-suite',
  'no-client-certificate',
  'bad-premaster',
  'bad-premaster-padding',
];

export { checkServerName, type ServerNameCheck } from './names';

/** The instant seed-derived clocks start from: 2026-01-01T00:00:00Z. */
const SEED_CLOCK_BASE = Date.UTC(2026, 0, 1);

/**
 * The run's clock when the link gives none: a fixed instant derived from the seed, a whole
 * minute within the year from 2026-01-01 (FNV-1a of the seed). Same seed, same clock, same
 * certificates and bytes on any day on any machine.
 */
export function clockFromSeed(seed: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(seed)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return new Date(SEED_CLOCK_BASE + (h % (365 * 24 * 60)) * 60_000).toISOString().replace('.000Z', 'Z');
}
