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

// ---- the rules a scenario keeps --------------------------------------------------------------

/** Faults that exist in one version only: the downgrade strips TLS 1.3; the premaster faults need TLS 1.2 RSA key transport. */
export const FAULT_VERSIONS: Readonly<Partial<Record<FaultName, TlsVersionName>>> = {
  downgrade: 'TLS 1.3',
  'bad-premaster': 'TLS 1.2',
  'bad-premaster-padding': 'TLS 1.2',
};

/** The server key a TLS 1.2 suite needs (RSA key transport and ECDHE_RSA an RSA key, ECDHE_ECDSA an ECDSA one), or undefined. */
export function suiteKeyType(suite: CipherSuiteName | undefined): ServerKeyType | undefined {
  if (suite === undefined) return undefined;
  if (/^TLS_(RSA|ECDHE_RSA)_/.test(suite)) return 'rsa-2048';
  if (suite.startsWith('TLS_ECDHE_ECDSA_')) return 'ecdsa-p256';
  return undefined;
}

/** The suite the premaster faults pick when the scenario has none that uses RSA key transport. */
export const PREMASTER_FAULT_SUITE: CipherSuiteName = 'TLS_RSA_WITH_AES_128_GCM_SHA256';

/** One thing `normalizeScenario` changed, and why (the app says it in words). */
export type ScenarioChange =
  /** `suite` is not a `version` suite: back to the client's preference list. */
  | { kind: 'suite-not-in-version'; suite: CipherSuiteName; version: TlsVersionName }
  /** `fault` exists only in `needs`: back to none. */
  | { kind: 'fault-needs-version'; fault: FaultName; needs: TlsVersionName }
  /** TLS 1.2 has no HelloRetryRequest (RFC 5246). */
  | { kind: 'hello-retry-off' }
  /** Ticket resumption is a TLS 1.3 option here. */
  | { kind: 'resumption-off' }
  /** The key just chosen is not RSA: the premaster fault (RSA key transport) goes back to none. */
  | { kind: 'premaster-fault-needs-rsa-key'; keyType: ServerKeyType }
  /** The premaster fault needs RSA key transport: `suite` picked. */
  | { kind: 'premaster-fault-suite'; suite: CipherSuiteName }
  /** The key just chosen does not fit `suite` (it needs `needs`): back to the preference list. */
  | { kind: 'suite-needs-key'; suite: CipherSuiteName; needs: ServerKeyType; keyType: ServerKeyType }
  /** `suite` needs a `keyType` server key: the key follows the suite. */
  | { kind: 'key-follows-suite'; suite: CipherSuiteName; keyType: ServerKeyType }
  /** 0-RTT data rides on a resumed TLS 1.3 session. */
  | { kind: 'early-data-off' };

/**
 * Keeps a scenario consistent: suites belong to the version, key types fit the suite, options
 * and faults belong to their version. What was just changed (`patch`) wins; whatever else has to
 * change is listed, so nothing changes silently.
 */
export function normalizeScenario(s: Scenario, patch: Partial<Scenario> = {}): { scenario: Scenario; changes: ScenarioChange[] } {
  const out = { ...s };
  const changes: ScenarioChange[] = [];
  const suites = out.version === 'TLS 1.2' ? TLS12_SUITE_NAMES : TLS13_SUITE_NAMES;
  if (out.cipherSuite && !suites.includes(out.cipherSuite)) {
    changes.push({ kind: 'suite-not-in-version', suite: out.cipherSuite, version: out.version });
    delete out.cipherSuite;
  }
  const needs = FAULT_VERSIONS[out.fault];
  if (needs && needs !== out.version) {
    changes.push({ kind: 'fault-needs-version', fault: out.fault, needs });
    out.fault = 'none';
  }
  if (out.version === 'TLS 1.2') normalizeTls12(out, patch, changes);
  if (!out.resumption && out.earlyData) changes.push({ kind: 'early-data-off' });
  if (!out.resumption) out.earlyData = false;
  return { scenario: out, changes };
}

/** The TLS 1.2 rules: no HelloRetryRequest nor resumption; the premaster faults need RSA key transport; the key fits the suite. */
function normalizeTls12(out: Scenario, patch: Partial<Scenario>, changes: ScenarioChange[]): void {
  if (out.helloRetry) changes.push({ kind: 'hello-retry-off' });
  if (out.resumption) changes.push({ kind: 'resumption-off' });
  out.helloRetry = false;
  out.resumption = false;
  const keyChosen = patch.serverKeyType !== undefined && patch.fault === undefined;
  const premasterFault = out.fault === 'bad-premaster' || out.fault === 'bad-premaster-padding';
  if (premasterFault && keyChosen && out.serverKeyType !== 'rsa-2048') {
    changes.push({ kind: 'premaster-fault-needs-rsa-key', keyType: out.serverKeyType });
    out.fault = 'none';
  }
  if (premasterFault && out.fault !== 'none' && !out.cipherSuite?.startsWith('TLS_RSA_')) {
    changes.push({ kind: 'premaster-fault-suite', suite: PREMASTER_FAULT_SUITE });
    out.cipherSuite = PREMASTER_FAULT_SUITE;
  }
  const want = suiteKeyType(out.cipherSuite);
  if (!want || !out.cipherSuite || out.serverKeyType === want) return;
  if (keyChosen) {
    changes.push({ kind: 'suite-needs-key', suite: out.cipherSuite, needs: want, keyType: out.serverKeyType });
    delete out.cipherSuite;
  } else {
    changes.push({ kind: 'key-follows-suite', suite: out.cipherSuite, keyType: want });
    out.serverKeyType = want;
  }
}
