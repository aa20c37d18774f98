/**
 * The typed event union: everything an endpoint or a session reports.
 *
 * Events are plain, structured-cloneable data (Uint8Array allowed) so they cross the Worker
 * boundary as-is. Endpoints emit `TlsEventBody` values through an `EventSink`; whoever owns
 * the sink (a Session, the CLI, a test) stamps `seq` and `t` to make a `TlsEvent`.
 * Presentation (names, colours, narration) lives in the app, not here.
 */
import type { ByteSpan } from './codec/bytespan';
import type { AlertDescription } from './errors';
import type { CheckId, Policy } from './pki/checks';

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
  /** Name of the traffic secret / key whose key protects this record, e.g. `client_handshake_traffic_secret`. */
  keyName: string;
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
  innerContentType: string;
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
      contentType: string;
      bytes: Uint8Array;
      spans: ByteSpan[];
      /** Handshake message names the record carries (after decryption), e.g. ['EncryptedExtensions', 'Certificate']. */
      messages: string[];
      protected?: ProtectedRecordInfo;
    }
  /** One handshake message (may span records, records may hold several). */
  | {
      type: 'handshake';
      side: Side;
      direction: 'sent' | 'received';
      /** RFC name: ClientHello, ServerHello, HelloRetryRequest, EncryptedExtensions, ... */
      name: string;
      /** The whole message: msg_type ‖ length ‖ body. */
      bytes: Uint8Array;
      spans: ByteSpan[];
      recordId: string;
      /** Short readable summary of the important fields. */
      summary: Record<string, string>;
    }
  | { type: 'state'; side: Side; from: string; to: string }
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
      extendedMasterSecret?: boolean;
      clientAuth?: 'none' | 'requested' | 'required';
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
      stage: string;
    }
  /** A certificate check done by this side on the peer's chain (or a pasted chain). */
  | { type: 'cert-check'; side: Side; check: CertCheck }
  /** The whole verification report (after the individual checks). */
  | { type: 'cert-report'; side: Side; report: VerificationReportSummary }
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
  | { type: 'appdata'; side: Side; direction: 'sent' | 'received'; data: Uint8Array; recordId: string }
  | { type: 'timing'; side: Side; what: string; ms: number }
  /** Plain notes the engine wants to make visible (e.g. Bleichenbacher countermeasure engaged). */
  | {
      type: 'note';
      side: Side;
      text: string;
      rfc?: string;
      /** The record the note is about, when it is about one. */
      recordId?: string;
      /** Set when the record was changed in transit (a fault's man in the middle). */
      tampered?: boolean;
      /**
       * A live run (live.ts): `side` is a real TLS peer at `address`, not TLS Lab's endpoint. Its
       * records are the bytes our side received; what it computed is not known.
       */
      realPeer?: { side: Side; address: string };
    }
  | { type: 'closed'; side: Side; reason: 'close_notify' | 'alert-sent' | 'alert-received' | 'error'; error?: string };

export type TlsEventType = TlsEventBody['type'];

/** A stamped event: `seq` orders events of both sides in one run; `t` is ms since run start. */
export type TlsEvent = TlsEventBody & { seq: number; t: number };

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
