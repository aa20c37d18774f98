/**
 * What a run negotiated: the `negotiated` events merged (they repeat as more becomes known).
 * The one merge the Session, captures, live runs, the CLI and the app all read.
 */
import type { Side, TlsEventBody, TlsVersionName } from './events';

/** What `negotiated` events say, merged: each field the latest value reported. */
export type Negotiated = Omit<Extract<TlsEventBody, { type: 'negotiated' }>, 'type' | 'side'>;

/**
 * Merges the `negotiated` events of `side` (both sides when omitted) among the first `count`
 * events: a later event's fields win, an absent field keeps the earlier value.
 */
export function mergeNegotiated(events: readonly TlsEventBody[], side?: Side, count = events.length): Negotiated {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count && i < events.length; i++) {
    const e = events[i]!;
    if (e.type !== 'negotiated' || (side !== undefined && e.side !== side)) continue;
    for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== 'type' && k !== 'side' && k !== 'seq' && k !== 't' && k !== 'step') out[k] = v;
  }
  return out as Negotiated;
}

/** What a run summary reports of `side`'s negotiation: version, suite, group and (resumption runs) whether it resumed. */
export function negotiatedForSummary(events: readonly TlsEventBody[], side: Side): { version?: TlsVersionName; cipherSuite?: string; group?: string; resumed?: boolean } {
  const { version, cipherSuite, group, resumed } = mergeNegotiated(events, side);
  return { ...(version ? { version } : {}), ...(cipherSuite ? { cipherSuite } : {}), ...(group ? { group } : {}), ...(resumed !== undefined ? { resumed } : {}) };
}
