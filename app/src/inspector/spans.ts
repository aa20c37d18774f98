/** Helpers over the engine's ByteSpans: ordering for the tree, the field that owns a byte. */
import type { ByteSpan } from '../store/derive';

/** Spans in reading order: by start, outer (lower depth, longer) first. */
export function orderSpans(spans: readonly ByteSpan[]): ByteSpan[] {
  return [...spans].sort((a, b) => a.start - b.start || a.depth - b.depth || b.end - a.end);
}

/** The innermost span that contains byte `i` (deepest, then shortest). */
export function spanAt(spans: readonly ByteSpan[], i: number): ByteSpan | undefined {
  let best: ByteSpan | undefined;
  for (const s of spans) {
    if (i < s.start || i >= s.end) continue;
    if (!best || s.depth > best.depth || (s.depth === best.depth && s.end - s.start < best.end - best.start)) best = s;
  }
  return best;
}

/** A handshake message as the engine reported it (its own bytes and field spans). */
export interface MessageSpans {
  name: string;
  bytes: Uint8Array;
  spans: readonly ByteSpan[];
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number, to: number): number {
  outer: for (let i = from; i + needle.length <= to; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Records carry spans down to each handshake message; the messages' own fields come with the
 * handshake events. This places each message's field spans where its bytes sit inside the
 * record (or the decrypted plaintext), so the tree goes all the way down to `random`.
 */
export function withMessageSpans(spans: readonly ByteSpan[], bytes: Uint8Array, from: number, to: number, messages: readonly MessageSpans[]): ByteSpan[] {
  const located: { m: MessageSpans; at: number }[] = [];
  let pos = from;
  for (const m of messages) {
    if (m.bytes.length === 0) continue;
    const at = indexOf(bytes, m.bytes, pos, to);
    if (at < 0) continue;
    located.push({ m, at });
    pos = at + m.bytes.length;
  }
  // Spans that reach outside the buffer cannot be drawn; leave them out.
  spans = spans.filter((s) => s.start >= 0 && s.end <= bytes.length && s.start <= s.end);
  if (located.length === 0) return [...spans];
  const inside = (s: ByteSpan, l: { m: MessageSpans; at: number }) => s.start >= l.at && s.end <= l.at + l.m.bytes.length;
  const out = [...spans];
  const replaced = new Set<ByteSpan>();
  const added: ByteSpan[] = [];
  for (const l of located) {
    const end = l.at + l.m.bytes.length;
    const mine = spans.filter((s) => inside(s, l));
    // The record names the message body (e.g. `ServerHello`): hang the message's fields under it.
    const body = mine.find((s) => s.label === l.m.name && s.start > l.at);
    if (body) {
      if (mine.some((s) => s.depth > body.depth)) continue; // the record already has the fields
      for (const f of l.m.spans) {
        const start = f.start + l.at;
        if (f.depth < 1 || start < body.start) continue; // msg_type / length / body: the record has them
        added.push({ ...f, start, end: f.end + l.at, depth: f.depth + body.depth });
      }
      continue;
    }
    // Otherwise: a wrapper for the message, then all its spans.
    for (const s of mine) replaced.add(s);
    let depth = 0;
    for (const s of spans) if (!inside(s, l) && s.start <= l.at && s.end >= end && s.depth + 1 > depth) depth = s.depth + 1;
    added.push({ start: l.at, end, depth, label: 'Handshake', value: l.m.name });
    for (const f of l.m.spans) added.push({ ...f, start: f.start + l.at, end: f.end + l.at, depth: f.depth + depth + 1 });
  }
  return [...out.filter((s) => !replaced.has(s)), ...added];
}
