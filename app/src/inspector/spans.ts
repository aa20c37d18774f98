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
