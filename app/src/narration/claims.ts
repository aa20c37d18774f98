/**
 * What the narration and the badges state about a run, as data. Each text returns its claims
 * beside its prose; check-claims.ts verifies every claim against the run's events and bytes
 * (the consistency test runs it over the settings matrix), so a sentence that says more than
 * the bytes show fails a test instead of misleading a reader.
 */
import type { Side, TlsVersionName } from '@tlslab/engine';

/** A claim about the record being narrated (or, for the run-level kinds, the run). */
export type ClaimBody =
  /** The record's text is the one for this version (a ClientHello: its highest offered version). */
  | { kind: 'version'; version: TlsVersionName }
  /** The record travels in the clear. */
  | { kind: 'plaintext' }
  /** The record is sealed (with a key whose name starts with `key`, when given). */
  | { kind: 'encrypted'; key?: string }
  /** The Certificate message holds this many certificates. */
  | { kind: 'certificates'; value: number }
  /** The ClientHello offers a ticket: a pre_shared_key extension. */
  | { kind: 'offers-ticket' }
  /** This ClientHello answers a HelloRetryRequest. */
  | { kind: 'after-retry' }
  /** The ServerHello accepts the offered ticket: no server Certificate follows. */
  | { kind: 'resumed' }
  /** Every handshake message sent after this record, by either side, is sealed. */
  | { kind: 'handshake-encrypted-after' }
  /** What arrived is not what was sent (a man in the middle changed the record). */
  | { kind: 'changed-in-transit' }
  /** The sender's next record is sealed (under a key whose name starts with `key`, when given). */
  | { kind: 'next-encrypted'; key?: string }
  /** A HelloRetryRequest names a group the first ClientHello sent no key share for. */
  | { kind: 'retry-group' }
  /** Run level: the handshake completed (or not). */
  | { kind: 'completed'; value: boolean }
  /** The sender's next record starts a new flight (the other side talks next). */
  | { kind: 'last-of-flight' }
  /** The record carries this alert, sent by `side`. */
  | { kind: 'alert'; side: Side; description: string }
  /** The alert is fatal. */
  | { kind: 'fatal' }
  /** No application data reached either side before this record. */
  | { kind: 'no-data-before' }
  /** The suite's key exchange. */
  | { kind: 'key-exchange'; value: 'ECDHE' | 'RSA' }
  /**
   * 0-RTT: the client sent early data / the server accepted or rejected it — known (from the
   * bytes) by the end of the step that says so.
   */
  | { kind: 'early-data'; value: 'sent' | 'accepted' | 'rejected' }
  /** Whether the server had read the client's Finished before this record was sent. */
  | { kind: 'handshake-complete'; value: boolean }
  /** Run level: the handshake completed in `value` round trips. */
  | { kind: 'handshake-rtts'; value: number }
  /** Run level: the server flight starting with this record is round trip `value` of the handshake. */
  | { kind: 'flight-rtt'; value: number }
  /** Run level: the version the connection negotiated (the server's choice in its ServerHello). */
  | { kind: 'negotiated-version'; version: TlsVersionName }
  /** The first record its sender seals (its earlier records all travelled in the clear). */
  | { kind: 'first-sealed' }
  /** Reading this record is the run's last public-key operation: no later record carries a key exchange, certificate or signature. */
  | { kind: 'last-public-key' }
  /** The server asks for a client certificate (`mutual`, this record has the CertificateRequest), or never does (`one-way`, this record ends its handshake flight). */
  | { kind: 'client-auth'; value: 'mutual' | 'one-way' }
  /** Run level: the fatal alerts sent, in order (none: the run ended well). */
  | { kind: 'outcome'; ok: boolean; alerts: { side: Side; description: string }[] };

/** A claim as shown: at which step, about which record. */
export type Claim = ClaimBody & {
  /** The step (cursor) at which it is on screen. */
  step: number;
  /** The record it is about (the narrated arrow's id), when it is about one. */
  recordId?: string;
};
