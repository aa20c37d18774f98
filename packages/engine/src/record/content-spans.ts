/**
 * Spans over record content by content type: handshake framing (msg_type, length, body of
 * each message or fragment), alerts, change_cipher_spec, application data. The full field
 * spans of a handshake message come with its `handshake` event; a record shows the framing.
 */
import type { ByteSpan } from '../codec/bytespan';
import type { TlsVersionName } from '../events';
import { CONTENT_TYPES, ContentType, HANDSHAKE_TYPES, nameOf } from '../msgs/enums';
import { alertSpans } from '../msgs/record';

/** The RFC sections a record's content cites, by version (TLS 1.3's when the version is not known yet). */
const RFC = {
  'TLS 1.3': { handshake: 'RFC 8446 §4', changeCipherSpec: 'RFC 8446 §5', applicationData: 'RFC 8446 §5.1' },
  'TLS 1.2': { handshake: 'RFC 5246 §7.4', changeCipherSpec: 'RFC 5246 §7.1', applicationData: 'RFC 5246 §10' },
} as const;

export function contentSpans(contentType: number, content: Uint8Array, version?: TlsVersionName): ByteSpan[] {
  const rfc = RFC[version ?? 'TLS 1.3'];
  switch (contentType) {
    case ContentType.handshake: {
      const spans: ByteSpan[] = [];
      let o = 0;
      // Assumes the record starts at a message boundary; a continuation shows as one fragment.
      while (o < content.length) {
        if (content.length - o < 4) {
          spans.push({ start: o, end: content.length, depth: 0, label: 'Handshake (fragment)', value: `${content.length - o} bytes` });
          break;
        }
        const t = content[o]!;
        const len = (content[o + 1]! << 16) | (content[o + 2]! << 8) | content[o + 3]!;
        const end = Math.min(content.length, o + 4 + len);
        const name = nameOf(HANDSHAKE_TYPES, t, 2);
        spans.push({ start: o, end, depth: 0, label: 'Handshake', value: end < o + 4 + len ? `${name} (first ${end - o} of ${len + 4} bytes)` : name, rfc: rfc.handshake });
        spans.push({ start: o, end: o + 1, depth: 1, label: 'msg_type', value: `${name} (${t})` });
        spans.push({ start: o + 1, end: o + 4, depth: 1, label: 'length', value: String(len) });
        spans.push({ start: o + 4, end, depth: 1, label: name, value: `${end - o - 4} bytes` });
        o = end;
      }
      return spans;
    }
    case ContentType.alert:
      return alertSpans(content);
    case ContentType.change_cipher_spec:
      return [{ start: 0, end: content.length, depth: 0, label: 'ChangeCipherSpec', value: Array.from(content).join(','), rfc: rfc.changeCipherSpec }];
    case ContentType.application_data:
      return [{ start: 0, end: content.length, depth: 0, label: 'application_data', value: `${content.length} bytes`, rfc: rfc.applicationData }];
    default:
      return [{ start: 0, end: content.length, depth: 0, label: nameOf(CONTENT_TYPES, contentType, 2), value: `${content.length} bytes` }];
  }
}

/** The spans of `spans` (over a larger buffer) that fall in [start, end), rebased to `start`. */
export function clipSpans(spans: readonly ByteSpan[], start: number, end: number): ByteSpan[] {
  const out: ByteSpan[] = [];
  for (const s of spans) {
    if (s.end <= start || s.start >= end) continue;
    const cut = s.start < start || s.end > end;
    out.push({ ...s, start: Math.max(s.start, start) - start, end: Math.min(s.end, end) - start, ...(cut ? { value: `${s.value ?? ''} (part)`.trim() } : {}) });
  }
  return out;
}

/**
 * Spans over record content that continues a handshake stream: `prefix` is what came before
 * in earlier records (the unfinished message), so a record that starts mid-message is shown
 * as the rest of that message rather than misread as a new header.
 */
export function fragmentSpans(contentType: number, content: Uint8Array, prefix: Uint8Array, version?: TlsVersionName): ByteSpan[] {
  if (contentType !== ContentType.handshake || prefix.length === 0) return contentSpans(contentType, content, version);
  const all = new Uint8Array(prefix.length + content.length);
  all.set(prefix);
  all.set(content, prefix.length);
  return clipSpans(contentSpans(contentType, all, version), prefix.length, all.length);
}
