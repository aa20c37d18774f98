/**
 * Endpoint configuration and the sans-IO endpoint interface.
 *
 * An endpoint takes bytes in and gives bytes out; it reports everything else through its
 * EventSink. It never touches a socket, a timer or the DOM, so the same code runs in the
 * Worker (Session), over TCP (CLI, interop tests) and in Vitest.
 */
import type { CryptoProvider } from './crypto/provider';
import type { EventSink, TlsVersionName } from './events';
import type { PrivateKey, SignatureSchemeName } from './crypto/keys';
import type { Rng } from './crypto/rng';
import type { AntiReplay } from './server/antireplay';
import type { Policy } from './pki/verify';

/** The names come from the one table per registry (msgs/registry.ts). */
export type { CipherSuiteName, GroupName } from './msgs/registry';
import type { CipherSuiteName, GroupName } from './msgs/registry';

/** A certificate chain (DER, leaf first) with its private key (absent: cannot sign / decrypt). */
export interface CertifiedKey {
  chain: Uint8Array[];
  key?: PrivateKey;
}

/** How the peer's certificate chain is judged, besides the trust anchors (pki/verify.ts, pki/crl.ts). */
export interface PeerVerification {
  /** Rules: webpki (default) or rfc5280. */
  policy?: Policy;
  /** CRLs (DER) the peer's chain is checked against (RFC 5280 §6.3). */
  crls?: Uint8Array[];
  /** The e-mail address the peer's leaf must hold as an rfc822Name SAN (a client certificate's). */
  email?: string;
}

interface CommonConfig {
  /**
   * The crypto provider this endpoint computes with (crypto/provider.ts: `nobleCryptoProvider`,
   * `nodeCryptoProvider` from '@tlslab/engine/crypto/node'); default: the installed one.
   * Seeded runs give the same bytes with either.
   */
  cryptoProvider?: CryptoProvider;
  /** Policy, CRLs and expected e-mail for verifying the peer's chain. */
  peerVerification?: PeerVerification;
  /** Versions to offer / accept, preferred first. Default ['TLS 1.3']. */
  versions?: TlsVersionName[];
  /** Suites in preference order. Default: all supported for the versions. */
  cipherSuites?: CipherSuiteName[];
  /** Groups in preference order. Default ['x25519', 'secp256r1']. */
  groups?: GroupName[];
  signatureSchemes?: SignatureSchemeName[];
  alpn?: string[];
  /** Where randomness comes from (seeded for reproducible runs). */
  rng: Rng;
  /** Time used for certificate validity checks. Default: now. */
  now?: Date;
  sink: EventSink;
  /** TLS 1.3: zero bytes of padding added to every protected record we send (RFC 8446 §5.4). Default 0. */
  recordPadding?: number;
  /** Offer/accept extended master secret in TLS 1.2 (RFC 7627). Default true. */
  extendedMasterSecret?: boolean;
}

export interface ClientConfig extends CommonConfig {
  /** The host we connect to (A-label form): sent as server_name and checked against the certificate. */
  serverName?: string;
  /** False: send no server_name extension, still checking the certificate for `serverName` (RFC 6066 §3). Default true. */
  sendServerName?: boolean;
  /** Trust anchors (DER). */
  trustAnchors: Uint8Array[];
  /** Groups to send key shares for in the first ClientHello. Default: the first group. */
  keyShareGroups?: GroupName[];
  /** Client certificate for mutual TLS. */
  clientCert?: CertifiedKey;
  /** Send the middlebox-compatibility CCS and a fake session id (RFC 8446 §D.4). Default true. */
  middleboxCompat?: boolean;
  /** Skip certificate verification (checks still reported, failures ignored). Default false. */
  insecureSkipVerify?: boolean;
  /**
   * TLS 1.3 session resumption (RFC 8446 §2.2): offer this ticket's PSK (psk_dhe_ke) in the
   * ClientHello. The server may accept it (no certificate then) or fall back to a full handshake.
   */
  resume?: ResumptionTicket;
  /**
   * TLS 1.3 0-RTT (RFC 8446 §2.3, §4.2.10): application data sent right after the ClientHello,
   * under client_early_traffic_secret, when resuming with a ticket that allows this much early
   * data. The server may reject it (the client can send it again once connected: see
   * `client.earlyData`). 0-RTT data can be replayed by an attacker: only for idempotent requests.
   */
  earlyData?: Uint8Array;
  /** Fixed values for known-answer tests (RFC 8448): random, legacy_session_id, key shares. */
  fixed?: FixedValues;
}

/**
 * What a client keeps from a NewSessionTicket (RFC 8446 §4.6.1) to resume later: plain data
 * (structured-cloneable), found in `client.tickets` after the handshake.
 */
export interface ResumptionTicket {
  /** The ticket, opaque to the client: sent back as PskIdentity.identity. */
  ticket: Uint8Array;
  /** HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
  psk: Uint8Array;
  /** The suite of the connection that issued it: a resumption must use a suite with the same hash. */
  cipherSuite: CipherSuiteName;
  ticketNonce: Uint8Array;
  /** ticket_age_add: added (mod 2^32) to the ticket age in ms to make obfuscated_ticket_age. */
  ageAdd: number;
  /** ticket_lifetime, seconds. */
  lifetime: number;
  /** When the client received it (ms since the epoch, the client's clock: `now` or the system time). */
  receivedAt: number;
  /** The server name the connection was made to (a ticket is only offered to the same name). */
  serverName?: string;
  /** From the ticket's early_data extension: how much 0-RTT data the server accepts. */
  maxEarlyDataSize?: number;
  /** The ALPN protocol of the connection that issued it (0-RTT must use the same, RFC 8446 §4.2.10). */
  alpn?: string;
}

export interface ServerConfig extends CommonConfig {
  cert: CertifiedKey;
  /** Mutual TLS: none, optional ('request') or 'require'. */
  clientAuth?: 'none' | 'request' | 'require';
  /** Trust anchors for client certificates (DER). */
  clientTrustAnchors?: Uint8Array[];
  /** TLS 1.3: put a cookie in HelloRetryRequest and require it back (RFC 8446 §4.2.2). Default false. */
  helloRetryCookie?: boolean;
  /** TLS 1.3: how many NewSessionTickets to send after the handshake (RFC 8446 §4.6.1). Default 0. */
  sessionTickets?: number;
  /**
   * TLS 1.3: the key (16 or 32 bytes, AES-GCM) that seals our tickets and opens the ones
   * clients offer. Tickets are self-contained (server/tickets.ts): give every connection the
   * same key so a ticket from one opens in the next. Without it, tickets are sealed with a
   * one-off key from `rng` (no later connection can open them) and none is accepted.
   */
  ticketKey?: Uint8Array;
  /** TLS 1.3: ticket_lifetime in seconds (default 7200; at most 604800, RFC 8446 §4.6.1). */
  ticketLifetime?: number;
  /**
   * TLS 1.3 0-RTT: max_early_data_size announced in our tickets and accepted when they come back
   * (RFC 8446 §4.2.10). Default 0: no early data. Without `antiReplay`, 0-RTT data it accepts
   * could be replayed (§8).
   */
  maxEarlyData?: number;
  /**
   * TLS 1.3 0-RTT: records the ClientHellos whose early data would be accepted (keyed on the
   * PSK binder) and rejects the early data of one seen before within the freshness window
   * (RFC 8446 §8.2). Share one store between the connections it should protect
   * (server/antireplay.ts: MemoryAntiReplay). Not structured-cloneable.
   */
  antiReplay?: AntiReplay;
  /** Fixed values for known-answer tests. */
  fixed?: FixedValues;
}

export interface FixedValues {
  random?: Uint8Array;
  sessionId?: Uint8Array;
  /** Ephemeral private keys by group. */
  keyShares?: Partial<Record<GroupName, Uint8Array>>;
  /**
   * Exact extension list of the message this side shapes (client: ClientHello, server:
   * EncryptedExtensions), in order. An entry with `data` is sent as those raw bytes; one
   * without `data` is the engine's own extension of that type (omitted if it has none).
   */
  extensions?: { type: number; data?: Uint8Array }[];
  /** Client: the extension shape of a second ClientHello (after HelloRetryRequest); default `extensions`. */
  retryExtensions?: { type: number; data?: Uint8Array }[];
  /** Server: the cookie to put in a HelloRetryRequest (RFC 8448 §5 replay). */
  cookie?: Uint8Array;
  /** Server: complete NewSessionTicket messages to send after the handshake (RFC 8448 replay). */
  newSessionTickets?: Uint8Array[];
  /**
   * Server: PSKs known by identity, accepted besides our own sealed tickets (RFC 8448 §4
   * replay: the RFC's ticket is another server's, which our ticket key cannot open).
   */
  resumptionPsks?: { identity: Uint8Array; psk: Uint8Array; cipherSuite: CipherSuiteName; ageAdd?: number; maxEarlyData?: number; alpn?: string }[];
  /** Extension order / exact ClientHello shaping for byte-for-byte vectors, if needed. */
  [k: string]: unknown;
}

/** The sans-IO endpoint. All methods return the bytes to put on the wire (records). */
export interface Endpoint {
  readonly side: 'client' | 'server';
  /** Current state name (ExpectServerHello, ..., Connected, Closed). */
  readonly state: string;
  readonly connected: boolean;
  readonly closed: boolean;
  /** Client: builds the ClientHello. Server: nothing to send yet. */
  start(): Uint8Array[];
  /** Feeds bytes from the wire (any chunking). Never throws: errors become alerts + Closed. */
  receive(bytes: Uint8Array): Uint8Array[];
  /** Sends application data (only when connected). */
  send(data: Uint8Array): Uint8Array[];
  /** Sends close_notify. */
  close(): Uint8Array[];
}
