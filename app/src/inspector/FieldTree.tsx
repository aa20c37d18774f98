/**
 * The field tree of a byte buffer, from the engine's ByteSpans (labels are the RFC's field names).
 * One Tab stop (role=tree): ↑/↓ move between fields, Home/End to the first/last, ← to the
 * enclosing field; the focused field is highlighted in the hex view and explained beside it.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ByteSpan } from '../store/derive';
import { useAppStore, type Hover } from '../store';
import { rfcLink } from '../format';
import { orderSpans } from './spans';
import { FieldExplain, type SpanExplainer } from './FieldExplain';

interface Props {
  spans: readonly ByteSpan[];
  space: Hover['space'];
  label: string;
  /** How to explain a field (default: the TLS field explanations). */
  explain?: SpanExplainer;
}

export function FieldTree({ spans, space, label, explain }: Props) {
  const ordered = useMemo(() => orderSpans(spans), [spans]);
  const hover = useAppStore((s) => (s.hover?.space === space ? s.hover : null));
  const setHover = useAppStore((s) => s.setHover);
  const minDepth = ordered.reduce((m, s) => Math.min(m, s.depth), Infinity);
  const list = useRef<HTMLUListElement>(null);
  // A field lit from its bytes (hovering the hex) is scrolled into view in the tree.
  // The tree's own box scrolls first; the panel moves only when the row is still off-screen
  // (moving it otherwise would slide the hex out from under the pointer).
  useEffect(() => {
    const ul = list.current;
    const li = hover ? ul?.querySelector<HTMLElement>('li.field.hl') : null;
    if (!ul || !li) return;
    const box = ul.getBoundingClientRect();
    const row = li.getBoundingClientRect();
    if (row.top < box.top) ul.scrollTop -= box.top - row.top;
    else if (row.bottom > box.bottom) ul.scrollTop += row.bottom - box.bottom;
    const now = li.getBoundingClientRect();
    if (now.top < 0 || now.bottom > window.innerHeight) li.scrollIntoView({ block: 'nearest' });
  }, [hover]);
  // The roving tab stop: the one field reachable with Tab (the last one focused, or the first).
  const [current, setCurrent] = useState(0);
  const active = (s: ByteSpan) => !!hover && hover.start === s.start && hover.end === s.end && hover.label === s.label;
  const hovered = ordered.findIndex(active);
  const stop = hovered >= 0 ? hovered : Math.min(current, ordered.length - 1);
  const focusAt = (i: number) => {
    const j = Math.max(0, Math.min(i, ordered.length - 1));
    setCurrent(j);
    list.current?.querySelectorAll<HTMLElement>('li[role="treeitem"]')[j]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const i = Number((e.target as HTMLElement).dataset.index ?? stop);
    let next: number | undefined;
    if (e.key === 'ArrowDown') next = i + 1;
    else if (e.key === 'ArrowUp') next = i - 1;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = ordered.length - 1;
    else if (e.key === 'ArrowLeft') {
      const s = ordered[i];
      // The enclosing field: the nearest earlier span that contains this one, one level up.
      for (let k = i - 1; s && k >= 0; k--) {
        const p = ordered[k]!;
        if (p.depth < s.depth && p.start <= s.start && p.end >= s.end) {
          next = k;
          break;
        }
      }
      next ??= i;
    } else if (e.key === 'ArrowRight') {
      const s = ordered[i];
      const c = ordered[i + 1];
      next = s && c && c.depth > s.depth && c.start >= s.start && c.end <= s.end ? i + 1 : i;
    }
    if (next === undefined) return;
    // The tree uses the arrows itself: they do not step the handshake while it has focus.
    e.preventDefault();
    e.stopPropagation();
    focusAt(next);
  };
  return (
    <div className="tree-and-explain">
      <ul className="tree" role="tree" aria-label={label} data-space={space} ref={list} onKeyDown={onKeyDown}>
        {ordered.map((s, i) => {
          const on = active(s);
          const link = rfcLink(s.rfc);
          const enter = () => setHover({ space, start: s.start, end: s.end, label: s.label });
          return (
            <li
              key={i}
              role="treeitem"
              aria-level={s.depth - minDepth + 1}
              aria-selected={on}
              tabIndex={i === stop ? 0 : -1}
              className={on ? 'field hl' : 'field'}
              style={{ paddingLeft: `${(s.depth - minDepth) * 14 + 4}px` }}
              data-index={i}
              data-label={s.label}
              data-start={s.start}
              data-end={s.end}
              onMouseEnter={enter}
              onFocus={() => (setCurrent(i), enter())}
              onMouseLeave={() => setHover(null)}
              onBlur={() => setHover(null)}
            >
              <span className="fname">{s.label}</span>
              {s.value !== undefined && <span className="fvalue">{s.value}</span>}
              <span className="flen">
                {s.end - s.start} B
                {link && (
                  <>
                    {' · '}
                    <a href={link} target="_blank" rel="noreferrer noopener" tabIndex={-1}>
                      {s.rfc}
                    </a>
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {/* Below the tree, so a longer or shorter text never moves the field under the pointer. */}
      <FieldExplain spans={spans} space={space} explain={explain} />
    </div>
  );
}
