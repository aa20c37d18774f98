/**
 * ByteSpans: the codec's record of which bytes hold which field.
 *
 * Every field the reader reads or the writer writes leaves one span, labelled with the
 * RFC's field name, so the app can light up the bytes of `legacy_session_id_echo` without
 * knowing anything about TLS. Offsets are relative to the buffer the span describes.
 */
export interface ByteSpan {
  /** First byte of the field, inclusive. */
  start: number;
  /** One past the last byte of the field. */
  end: number;
  /** Nesting depth: a vector's elements sit one deeper than the vector. */
  depth: number;
  /** The RFC's name for the field, e.g. `legacy_session_id_echo`. */
  label: string;
  /** A short readable value, e.g. `TLS_AES_128_GCM_SHA256 (0x1301)`. */
  value?: string;
  /** Where the field is defined, e.g. `RFC 8446 §4.1.3`. */
  rfc?: string;
}

/** Moves spans by `offset` bytes and `depth` levels (used when a body is embedded in a record). */
export function shiftSpans(spans: readonly ByteSpan[], offset: number, depth = 0): ByteSpan[] {
  return spans.map((s) => ({ ...s, start: s.start + offset, end: s.end + offset, depth: s.depth + depth }));
}
