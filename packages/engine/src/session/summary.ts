/**
 * How a run ended, read from its events: what the client negotiated (the `negotiated` events
 * merged in order, RFC 8446 §4.1 / RFC 5246 §7.4.1), the first fatal alert (RFC 8446 §6.2),
 * and whether the exchange completed and both sides closed with close_notify (RFC 8446 §6.1).
 */
import type { TlsEvent, TlsVersionName } from '../events';
import { negotiatedForSummary } from '../negotiated';

/** What a run ended with. */
export interface RunSummary {
  /** Handshake done, request answered, both sides closed with close_notify. */
  ok: boolean;
  version?: TlsVersionName;
  cipherSuite?: string;
  group?: string;
  /** The first fatal alert sent by either side. */
  alert?: string;
  /** Why (the sender's reason for that alert, or a setup problem). */
  error?: string;
  /** Number of events emitted. */
  events: number;
  /** A resumption run: whether the handshake resumed with the ticket's PSK. */
  resumed?: boolean;
}

/** How the run's exchange went (session/exchange.ts) and whether each side closed. */
export interface RunOutcome {
  gotResponse: boolean;
  clientClosed: boolean;
  serverClosed: boolean;
}

/** The summary of a run that went on the wire: ok only with the response, no fatal alert and both sides closed. */
export function summarizeRun(events: readonly TlsEvent[], outcome: RunOutcome): RunSummary {
  const neg = negotiatedForSummary(events, 'client');
  const firstAlert = events.find((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal') as Extract<TlsEvent, { type: 'alert' }> | undefined;
  const ok = outcome.gotResponse && !firstAlert && outcome.clientClosed && outcome.serverClosed;
  return {
    ok,
    ...neg,
    ...(firstAlert ? { alert: String(firstAlert.description), error: firstAlert.reason ?? String(firstAlert.description) } : {}),
    ...(!ok && !firstAlert ? { error: outcome.gotResponse ? 'the connection did not close cleanly' : 'the run stopped before the exchange completed' } : {}),
    events: events.length,
  };
}
