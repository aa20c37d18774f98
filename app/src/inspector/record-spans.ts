/**
 * The field spans the inspector shows for one arrow: the record on the wire (with each
 * handshake message's own fields placed inside it) and, for a protected record, the decrypted
 * plaintext. Lessons locate their highlighted field in exactly these spans.
 */
import type { TlsEvent } from '@tlslab/engine';
import type { Arrow, ByteSpan, HandshakeEvent } from '../store/derive';
import { withMessageSpans, type MessageSpans } from './spans';

/** The handshake messages the arrow's sender put in this record. */
export function sentMessages(events: readonly TlsEvent[], arrow: Arrow): HandshakeEvent[] {
  return events.filter((e): e is HandshakeEvent => e.type === 'handshake' && e.direction === 'sent' && e.recordId === arrow.id);
}

export function wireSpans(arrow: Arrow, messages: readonly MessageSpans[]): ByteSpan[] {
  const r = arrow.record;
  return !r.protected && r.contentType === 'handshake' ? withMessageSpans(r.spans, r.bytes, 5, r.bytes.length, messages) : [...r.spans];
}

export function plaintextSpans(arrow: Arrow, messages: readonly MessageSpans[]): ByteSpan[] | undefined {
  const p = arrow.record.protected;
  if (!p) return undefined;
  return withMessageSpans(p.plaintextSpans, p.plaintext, 0, p.plaintext.length, p.innerContentType === 'handshake' ? messages : []);
}

export interface ArrowSpans {
  record: ByteSpan[];
  plaintext?: ByteSpan[];
}

export function arrowSpans(events: readonly TlsEvent[], arrow: Arrow): ArrowSpans {
  const messages = sentMessages(events, arrow);
  const plaintext = plaintextSpans(arrow, messages);
  return { record: wireSpans(arrow, messages), ...(plaintext ? { plaintext } : {}) };
}

/** The spans that enclose `s` (outermost first) among `spans`. */
export function ancestorsOf(spans: readonly ByteSpan[], s: ByteSpan): ByteSpan[] {
  return spans.filter((a) => a !== s && a.depth < s.depth && a.start <= s.start && a.end >= s.end).sort((a, b) => a.depth - b.depth);
}
