/**
 * The typed event union: everything an endpoint or a session reports.
 *
 * Events are plain, structured-cloneable data (Uint8Array allowed) so they cross the Worker
 * boundary as-is. Endpoints emit `TlsEventBody` values through an `EventSink`; whoever owns
 * the sink (a Session, the CLI, a test) stamps `seq` and `t` to make a `TlsEvent`.
 * Presentation (names, colours, narration) lives in the app, not here.
 */
import type { ClientState } from './client/client';
import type { ServerState } from './server/server';
import type { ByteSpan } from './codec/bytespan';
import type { AlertDescription } from './errors';
import type { ContentTypeName, HandshakeMessageName } from './msgs/enums';
import type { CheckId, Policy } from './pki/checks';
import type { FaultName } from './scenario';

/** Every state name an endpoint reports in `state` events: the closed unions of client/client.ts and server/server.ts. */
export type EndpointStateName = ClientState['name'] | ServerState['name'];
export type { ContentTypeName, HandshakeMessageName } from './msgs/enums';

/**
 * The stages the key schedules report their secrets in, in the order RFC 8446 §7.1 draws them
 * (crypto/tls13-key-schedule.ts); TLS 1.2's single one (RFC 5246 §8.1, crypto/tls12-key-schedule.ts) last.
 */
export const SECRET_STAGES = ['early', 'handshake', 'master', 'traffic', 'tls12'] as const;
export type SecretStage = (typeof SECRET_STAGES)[number];

export type Side = 'client' | 'server';
export type TlsVersionName = 'TLS 1.2' | 'TLS 1.3';

/** A named input to a derivation (shown as "name = value" in the key panel). */
export interface DerivationInput {
  name: string;
  /** Bytes, or a string such as a label ("c hs traffic") or a hash name. */
  value: Uint8Array | string;
}

/** Decryption details of a protected record (TLS 1.3 or TLS 1.2 AEAD). */
export interface ProtectedRecordInfo {
  /**
   * Which key protects this record, as a short id shared by every record under it: TLS 1.3 the
   * traffic secret the key is expanded from (`client_handshake_traffic_secret`), TLS 1.2 the
   * key itself (`client_write_key`). Display `keyLabel`/`keyFormula` for what `key` is.
   */
  keyName: string;
  /**
   * What `key` is, by the RFC's name: TLS 1.3 `server_handshake write key` (RFC 8446 §7.3,
   * [sender]_write_key of that traffic secret), TLS 1.2 `server_write_key` (RFC 5246 §6.3).
   */
  keyLabel: string;
  /** How `key` was derived: `HKDF-Expand-Label(server_handshake_traffic_secret, "key", "", 16)` or `key_block[32..47]`. */
  keyFormula: string;
  /** What `iv` is: `server_handshake write iv` / `server_write_IV`. */
  ivLabel: string;
  /** How `iv` was derived: `HKDF-Expand-Label(server_handshake_traffic_secret, "iv", "", 12)`. */
  ivFormula: string;
  /** TLS 1.3: the traffic secret `key` and `iv` are expanded from (RFC 8446 §7.3). Absent in TLS 1.2. */
  trafficSecret?: string;
  key: Uint8Array;
  /** The static IV (write_iv / the implicit part of the TLS 1.2 nonce). */
  iv: Uint8Array;
  /** Record sequence number (a bigint would not survive every consumer; < 2^53 in practice). */
  sequence: number;
  /** The AEAD nonce actually used (TLS 1.3: iv XOR padded sequence number). */
  nonce: Uint8Array;
  /** How the nonce was built, in words: "write_iv XOR seq (RFC 8446 §5.3)". */
  nonceFormula: string;
  /** TLS 1.2 AEAD: explicit nonce carried in the record (RFC 5288); absent in TLS 1.3 / ChaCha20. */
  explicitNonce?: Uint8Array;
  aad: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
  /** The opened plaintext: TLS 1.3 TLSInnerPlaintext (content ‖ type ‖ zeros) or TLS 1.2 plaintext. */
  plaintext: Uint8Array;
  /** The real content type carried inside (TLS 1.3 inner type), e.g. `handshake`. */
  innerContentType: ContentTypeName;
  /** Field spans over `plaintext`. */
  plaintextSpans: ByteSpan[];
  /** Number of zero padding bytes (TLS 1.3). */
  padding: number;
}

export type TlsEventBody =
  /** A record on the wire. `from` sent it; both sides see the same bytes. */
  | {
      type: 'record';
      side: Side;
      direction: 'sent' | 'received';
      /**
       * Identifies a record across the two sides: `c2s:N` / `s2c:N` is the Nth record (from 0)
       * in that direction, counted by the sender and the receiver alike, so both sides' events
       * for one record carry the same id.
       */
      recordId: string;
      /** Outer content type name: handshake, alert, application_data, change_cipher_spec. */
      contentType: ContentTypeName;
      bytes: Uint8Array;
      spans: ByteSpan[];
      /** Handshake message names the record carries (after decryption), e.g. ['EncryptedExtensions', 'Certificate']. */
      messages: RecordMessageName[];
      protected?: ProtectedRecordInfo;
      /**
       * A passive observer (a capture) could not open this protected record: why, in words
       * (no key log, no secret for it). What it carries is unknown — not application data.
       */
      undecrypted?: string;
    }
  /** One handshake message (may span records, records may hold several). */
  | {
      type: 'handshake';
      side: Side;
      direction: 'sent' | 'received';
      /** RFC name: ClientHello, ServerHello, HelloRetryRequest, EncryptedExtensions, ... */
      name: HandshakeMessageName;
      /** The whole message: msg_type ‖ length ‖ body. */
      bytes: Uint8Array;
      spans: ByteSpan[];
      recordId: string;
      /** Short readable summary of the important fields. */
      summary: Record<string, string>;
    }
  | { type: 'state'; side: Side; from: EndpointStateName; to: EndpointStateName }
  /** Negotiated parameters as soon as they are known (repeated as more become known). */
  | {
      type: 'negotiated';
      side: Side;
      version?: TlsVersionName;
      cipherSuite?: string;
      group?: string;
      signatureScheme?: string;
      alpn?: string;
      serverName?: string;
      helloRetry?: boolean;
      keyExchange?: 'ECDHE' | 'RSA';
      /** TLS 1.2: whether the master secret is the RFC 7627 extended one (else RFC 5246 §8.1's). */
      extendedMasterSecret?: boolean;
      /**
       * TLS 1.2, with `extendedMasterSecret`: why. `both`: the client offered it and the server
       * echoed it. `client-did-not-offer` / `server-did-not-accept`: the classic master secret.
       */
      masterSecretReason?: 'both' | 'client-did-not-offer' | 'server-did-not-accept';
      clientAuth?: 'none' | 'requested' | 'required';
      /**
       * TLS 1.3 server: it would ask for a client certificate, but the handshake is authenticated
       * with a PSK, so it sends no CertificateRequest (RFC 8446 §4.3.2).
       */
      clientAuthSkipped?: 'psk-resumption';
      /** TLS 1.3, when a ticket was offered: whether the handshake resumed with its PSK (RFC 8446 §2.2). */
      resumed?: boolean;
      /** TLS 1.3 0-RTT, when early data was sent: whether the server accepted it (RFC 8446 §4.2.10). */
      earlyData?: 'accepted' | 'rejected';
    }
  /**
   * A derived secret or key. `name` is the RFC's (client_handshake_traffic_secret,
   * master_secret, key_block, client_write_key ...).
   */
  | {
      type: 'secret';
      side: Side;
      name: string;
      value: Uint8Array;
      /** The formula in RFC notation, e.g. `Derive-Secret(Handshake Secret, "c hs traffic", ClientHello...ServerHello)`. */
      formula: string;
      inputs: DerivationInput[];
      /** Section defining it, e.g. `RFC 8446 §7.1`. */
      rfc: string;
      /** Which stage it belongs to: early, handshake, master, traffic, tls12. */
      stage: SecretStage;
      /**
       * The secrets (by their `name` in this run's secret events) this value is computed from,
       * the first being the one it branches off: `exporter_master_secret` and
       * `resumption_master_secret` both have `['master_secret']`; `server_handshake_write_key`
       * has `['server_handshake_traffic_secret']`. The key panel draws the schedule from these.
       */
      parents?: string[];
      /** Where it sits in its key schedule: the chain the schedule runs along, or a branch off it. */
      position: SecretPosition;
    }
  /** A certificate check done by this side on the peer's chain (or a pasted chain). */
  | {
      type: 'cert-check';
      side: Side;
      check: CertCheck;
      /** The record whose arrival completed the Certificate message checked (absent for a pasted chain). */
      recordId?: string;
    }
  /** The whole verification report (after the individual checks). */
  | {
      type: 'cert-report';
      side: Side;
      report: VerificationReportSummary;
      /** The record whose arrival completed the Certificate message checked: the arrow that carried the chain. */
      recordId?: string;
    }
  | {
      type: 'alert';
      side: Side;
      direction: 'sent' | 'received';
      level: 'warning' | 'fatal';
      description: AlertDescription | string;
      code: number;
      /** Why it was sent (our error) — absent for received alerts. */
      reason?: string;
    }
  | {
      type: 'appdata';
      side: Side;
      direction: 'sent' | 'received';
      data: Uint8Array;
      recordId: string;
      /**
       * When in the handshake the data travels (TLS 1.3, RFC 8446 §2.3). `early`: 0-RTT data,
       * sent with the ClientHello under client_early_traffic_secret. `half-rtt`: 0.5-RTT data,
       * the server's answer sent in its first flight right after its Finished, before it has
       * the client's Finished (so before it knows who the client is). `application`: after the
       * handshake (the sender has the peer's Finished). Both sides' events for one record carry
       * the same phase. Set by the Session; absent from events of a bare endpoint.
       */
      phase?: AppDataPhase;
      /**
       * Session runs: the 1-based flight this record travels in (a flight is the records one side
       * sends before it next waits for the peer; flight 1 is the ClientHello's). The client
       * receiving the server's answer in flight 2 got it one round trip after it started.
       */
      flight?: number;
    }
  | { type: 'timing'; side: Side; what: string; ms: number }
  /** Plain notes the engine wants to make visible (e.g. Bleichenbacher countermeasure engaged). */
  | {
      type: 'note';
      side: Side;
      text: string;
      rfc?: string;
      /** The record the note is about, when it is about one. */
      recordId?: string;
      /** Set when the record was changed in transit by an on-path attacker (never for a faulty peer: see the `fault` event). */
      tampered?: boolean;
      /**
       * A live run (live.ts): `side` is a real TLS peer at `address`, not TLS Lab's endpoint. Its
       * records are the bytes our side received; what it computed is not known.
       */
      realPeer?: { side: Side; address: string };
    }
  | { type: 'closed'; side: Side; reason: 'close_notify' | 'alert-sent' | 'alert-received' | 'error'; error?: string }
  /**
   * A fault the scenario asked for, when it is committed: who did what to which record. The
   * Session emits it (on the side at fault, or the receiving side for an on-path change);
   * narration, diagram and inspector say who is to blame from `actor`, never from the fault name.
   */
  | {
      type: 'fault';
      side: Side;
      fault: FaultName;
      actor: FaultActor;
      /** Who is to blame: the endpoint that computed a wrong value, or `network` (on the path). */
      culprit: Side | 'network';
      /** The record it changed or that carries the wrong value, when there is one. */
      recordId?: string;
      /** The handshake message holding the wrong value (`Finished`, `CertificateVerify`, `ClientKeyExchange`). */
      message?: string;
      /** The alert the RFC makes the other side send, e.g. `decrypt_error`, `bad_record_mac`. */
      expectedAlert?: AlertDescription;
      /** One sentence: what was done and why it ends as it does. */
      text: string;
      rfc?: string;
    }
  /**
   * What a Session run was made from, before either side starts: the first event of every
   * Session run whose settings are usable (a refused server name or clock ends the run with a
   * note instead); `side` is 'client'. Everything shown about the run's setup reads it.
   */
  | {
      type: 'run';
      side: Side;
      /** The run's clock (ISO 8601): certificate validity, the demo certificates' dates, ticket ages. */
      at: string;
      /** `scenario`: given (the link's `t=`); `seed`: the fixed instant derived from the seed (same seed, same clock, any day). */
      atSource: 'scenario' | 'seed';
      /** The server name, or null when the client sends no server_name (RFC 6066 §3). */
      serverName: ServerNameForms | null;
      /** The name the client checks the certificate against (its reference identity, RFC 6125 §6). */
      checkedName: string;
      /** Why the server asks for a client certificate, or `off`. */
      clientAuth: 'off' | 'mutual-setting' | 'no-client-certificate-fault';
      /** TLS 1.2: whether the client offers extended_master_secret (RFC 7627); `ems=0` turns it off. */
      offersExtendedMasterSecret: boolean;
    };

/**
 * Who a fault is attributed to.
 * - `faulty-peer`: an endpoint computed a wrong value itself (a wrong Finished, a bad
 *   signature, a malformed premaster). It is inside that endpoint's own AEAD protection: no one
 *   on the path could do it without the keys. The receiver's check of that value fails.
 * - `on-path-attacker`: bytes changed between the two sides. Inside protected records that
 *   makes the AEAD check fail (bad_record_mac, RFC 8446 §5.2); in the plaintext hellos it is
 *   caught later (the downgrade sentinel, RFC 8446 §4.1.3; the Finished over the transcript).
 * - `setup`: the run's configuration (certificate, trust store, suites, a missing client certificate).
 */
export type FaultActor = 'faulty-peer' | 'on-path-attacker' | 'setup';

/** A server name in both IDNA forms (RFC 5890 §2.3.2.1): the SNI and the certificate carry the A-label. */
export interface ServerNameForms {
  /** As typed. */
  input: string;
  /** ASCII form (xn--… labels), lower case: what goes in server_name and dNSName. */
  aLabel: string;
  /** Unicode form, for display. Equal to `aLabel` for an all-ASCII name. */
  uLabel: string;
  /** True when some label is an IDN (aLabel ≠ uLabel). */
  idn: boolean;
}

export type AppDataPhase = 'early' | 'half-rtt' | 'application';

export type TlsEventType = TlsEventBody['type'];

/**
 * A stamped event: `seq` orders events of both sides in one run; `t` is ms since run start;
 * `step` (1-based) is the step of the run it belongs to (steps.ts): a Session, a live run and a
 * capture emit their events in delivery order with their steps set.
 */
export type TlsEvent = TlsEventBody & { seq: number; t: number; step?: number };

/**
 * A name in a record's `messages`: a whole handshake message, or the part of one the record
 * carries (`Certificate (fragment)`); `Handshake` when the record's bytes do not say which.
 */
export type RecordMessageName = HandshakeMessageName | `${HandshakeMessageName} (fragment)` | 'Handshake';

/**
 * Where a secret sits in its key schedule, as the RFCs draw it (RFC 8446 §7.1, RFC 5246 §8.1):
 * - `input`: enters the schedule from outside (the (EC)DHE shared secret, the premaster secret);
 * - `chain`: a link of the chain the schedule runs along — TLS 1.3 the HKDF-Extract outputs and
 *   the "derived" salts between them; TLS 1.2 master_secret → key_block;
 * - `branch`: expanded off a link (traffic secrets, keys and IVs, finished keys, binders,
 *   verify_data, ticket PSKs), or read from a key log.
 */
export type SecretPosition = 'input' | 'chain' | 'branch';

export type EventSink = (e: TlsEventBody) => void;

/** One certificate check (the verifier's unit of report). */
export interface CertCheck {
  /** Stable id of the check, e.g. `signature`, `validity`, `hostname`, `basic-constraints`. */
  id: CheckId;
  /** Readable title: "Signature by issuer", "Valid at 2026-11-25T18:00Z". */
  title: string;
  /** Index into the report's certificates, or null for chain-level checks. */
  cert: number | null;
  /** Subject of the certificate checked (for quick display). */
  subject?: string;
  /** What was compared with what, e.g. `host "example.com" vs SAN [DNS:*.example.com]`. */
  compared: string;
  pass: boolean;
  /** Plain-language reason. */
  reason: string;
  /** E.g. `RFC 5280 §4.1.2.5`. */
  rfc: string;
  /**
   * `signature` checks: the answer came from the process-wide cache of verified signatures
   * (crypto/signature-cache.ts) — this key verified this very signature over these very bytes
   * earlier in this process (Worker).
   */
  cached?: boolean;
}

export interface CertSummary {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** E.g. `ECDSA P-256`, `RSA 2048`, `Ed25519`. */
  key: string;
  signatureAlgorithm: string;
  sans: string[];
  sha256: string;
  isCA: boolean;
  selfSigned: boolean;
  der: Uint8Array;
  /** Where it came from: presented by the peer, pasted, or a trust anchor. */
  role: 'leaf' | 'intermediate' | 'anchor' | 'unused';
}

export interface VerificationReportSummary {
  ok: boolean;
  /** The alert a TLS endpoint sends when this report fails. */
  alert?: AlertDescription;
  /** One line: "certificate has expired (notAfter 2020-01-01)". */
  verdict: string;
  certificates: CertSummary[];
  checks: CertCheck[];
  host?: string;
  purpose: 'server' | 'client';
  /** The policy that judged the chain (pki/checks.ts). */
  policy: Policy;
  at: string;
}
