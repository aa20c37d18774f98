/**
 * The messages between the app's main thread and the engine Worker.
 *
 * The main thread sends `ToWorker` commands; the Worker answers with `FromWorker` messages.
 * Every message carries the `id` of the command it belongs to, so the app can drop answers of
 * a run it no longer wants (a setting changed while a run was in flight). Everything is plain,
 * structured-cloneable data: events cross the boundary as the engine emitted them.
 */
import type { TlsEvent, VerificationReportSummary } from '../events';
import type { ObservedConnection } from '../observe/tls';
import type { Policy } from '../pki/verify';
import type { Scenario } from '../scenario';
import type { ServerKeyType } from '../crypto/keys';
import type { LiveRequest } from '../live';
import type { RunSummary } from '../session';

export type ToWorker =
  /** Run both endpoints for a scenario; events come back in `events` batches, then `done`. */
  | { type: 'run'; id: number; scenario: Scenario }
  /**
   * Parse pasted PEM (certificates and keys) and verify the chain as its peer would: a server
   * chain as the client checks it (default), a client chain (`purpose: 'client'`) as the server does.
   */
  | {
      type: 'inspect-pem';
      id: number;
      chainPem: string;
      keyPem?: string;
      extraTrustPem?: string;
      host?: string;
      at?: string;
      purpose?: 'server' | 'client';
      /** Policy of the report (absent: webpki for a server, rfc5280 for a client); the other policy's report comes back as `comparison`. */
      policy?: Policy;
      /** Pasted CRLs (PEM or base64 DER) the chain is checked against. */
      crlPem?: string;
      /** Expected e-mail address of the leaf (client certificates). */
      email?: string;
    }
  /**
   * Verify a chain given as DER (e.g. the one a run's report shows) under `policy`: how the
   * other policy judges what a run judged. Answered with `verified`.
   */
  | {
      type: 'verify';
      id: number;
      chain: Uint8Array[];
      anchors: Uint8Array[];
      at?: string;
      host?: string;
      purpose: 'server' | 'client';
      keyExchange?: 'rsa' | 'ecdhe';
      policy: Policy;
      crlPem?: string;
      email?: string;
    }
  /**
   * Open a packet capture (pcap/pcapng bytes, transferred) with an optional NSS key log and
   * extra trust anchors (PEM, e.g. Mozilla's roots); answers `capture` with the connections
   * and the events of `connection` (default the first). The Worker keeps the last capture, so
   * `capture-connection` can pick another connection without sending the file again.
   */
  | { type: 'open-capture'; id: number; capture: Uint8Array; keyLog?: string; trustPem?: string; trustName?: string; connection?: number }
  | { type: 'capture-connection'; id: number; connection: number }
  /**
   * Make, while idle, the demo server key of a seed a run will soon use (the app sends the seed
   * "New handshake" will draw next). No answer; a run of that seed finds the key ready, or
   * finishes making it. Only RSA keys take long enough to need this.
   */
  | { type: 'prepare'; id: number; seed: string; serverKeyType: ServerKeyType }
  /**
   * A live run: our client against a real server, or our server for a real client, over a
   * WebSocket to `tlslab relay` at `relay` (e.g. ws://127.0.0.1:8090). Events come back as they
   * happen (`events`, `status`), then `done`.
   */
  | { type: 'live'; id: number; relay: string; request: LiveRequest }
  /** Forget a command: its remaining answers are not sent (a live run's connection is closed). */
  | { type: 'cancel'; id: number };

/** What the Worker found in a paste (never throws across the boundary). */
export interface PemInspection {
  /** Certificates found, leaf first as pasted. */
  certificates: number;
  /** Private keys found (with their type, e.g. "EC P-256 (PKCS#8)"). */
  keys: string[];
  /** Clear messages about anything that is not usable (a CSR, garbage, a truncated PEM...). */
  problems: string[];
  /** The chain verified as the peer of a run would (absent if nothing to verify). */
  report?: VerificationReportSummary;
  /** The same chain judged under the other policy (to show which rules change the verdict). */
  comparison?: { policy: Policy; report: VerificationReportSummary };
  /** CRLs found in the CRL box. */
  crls?: number;
}

/** What the Worker found in a capture (never throws across the boundary). */
export interface CaptureView {
  format: 'pcap' | 'pcapng';
  packets: number;
  connections: ObservedConnection[];
  /** Problems with the file as a whole, in words. */
  problems: string[];
  keyLog: { given: boolean; embedded: boolean; secrets: number; badLines: number; matched: number };
  /** The connection shown (1-based), or null when there is none. */
  connection: number | null;
  /** Its events (the same stream a run gives). */
  events: TlsEvent[];
  summary: RunSummary;
}

export type FromWorker =
  /** The Worker has loaded and is ready for commands (`at`: when, as performance.timeOrigin + now(), a clock both threads share). */
  | { type: 'ready'; at: number }
  | { type: 'events'; id: number; events: TlsEvent[] }
  /** The run finished; `summary` is the engine's RunSummary (plain data). */
  | { type: 'done'; id: number; summary: RunSummary; ms: number }
  | { type: 'pem'; id: number; result: PemInspection }
  | { type: 'capture'; id: number; result: CaptureView; ms: number }
  /** The answer to `verify`. */
  | { type: 'verified'; id: number; report: VerificationReportSummary }
  /** A live run's progress in words ("waiting for a client…", "connected to 127.0.0.1:4433"). */
  | { type: 'status'; id: number; text: string }
  /** The command failed outside the TLS state machines (a bug or an unsupported setting). */
  | { type: 'error'; id: number; message: string };
