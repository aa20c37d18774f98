/**
 * A RunSummary for an observed connection, so the app shows a capture the way it shows a run:
 * what was negotiated, the first fatal alert, and whether the handshake completed (both
 * Finished messages seen) and the connection closed with close_notify both ways.
 */
import type { TlsEvent } from '../events';
import { negotiatedForSummary } from '../negotiated';
import type { RunSummary } from '../session';

export function captureSummary(events: readonly TlsEvent[]): RunSummary {
  const n = negotiatedForSummary(events, 'client');
  const finished = events.filter((e) => e.type === 'handshake' && e.direction === 'sent' && e.name === 'Finished').length;
  const fatal = events.find((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal');
  const closes = new Set(events.filter((e) => e.type === 'alert' && e.direction === 'sent' && e.description === 'close_notify').map((e) => e.side));
  const summary: RunSummary = { ok: finished >= 2 && !fatal && closes.size === 2, events: events.length, ...n };
  if (fatal && fatal.type === 'alert') {
    summary.alert = String(fatal.description);
    summary.error = `the ${fatal.side} sent a fatal ${String(fatal.description)} alert`;
  } else if (finished < 2) {
    summary.error = 'the capture does not show a completed handshake (or its Finished messages are encrypted without a key log)';
  }
  return summary;
}
