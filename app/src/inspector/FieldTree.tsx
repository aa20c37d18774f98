/** The field tree of a byte buffer, from the engine's ByteSpans (labels are the RFC's field names). */
import { useEffect, useMemo, useRef } from 'react';
import type { ByteSpan } from '../store/derive';
import { useAppStore, type Hover } from '../store';
import { rfcLink } from '../format';
import { orderSpans } from './spans';

interface Props {
  spans: readonly ByteSpan[];
  space: Hover['space'];
  label: string;
}

export function FieldTree({ spans, space, label }: Props) {
  const ordered = useMemo(() => orderSpans(spans), [spans]);
  const hover = useAppStore((s) => (s.hover?.space === space ? s.hover : null));
  const setHover = useAppStore((s) => s.setHover);
  const minDepth = ordered.reduce((m, s) => Math.min(m, s.depth), Infinity);
  // A field lit from its bytes (hovering the hex) is scrolled into view in the tree.
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (hover) listRef.current?.querySelector<HTMLElement>('li.field.hl')?.scrollIntoView({ block: 'nearest' });
  }, [hover]);
  return (
    <ul className="tree" role="tree" aria-label={label} ref={listRef}>
      {ordered.map((s, i) => {
        const active = !!hover && hover.start === s.start && hover.end === s.end && hover.label === s.label;
        const link = rfcLink(s.rfc);
        const enter = () => setHover({ space, start: s.start, end: s.end, label: s.label });
        return (
          <li
            key={i}
            role="treeitem"
            aria-level={s.depth - minDepth + 1}
            aria-selected={active}
            tabIndex={0}
            className={active ? 'field hl' : 'field'}
            style={{ paddingLeft: `${(s.depth - minDepth) * 14 + 4}px` }}
            data-label={s.label}
            data-start={s.start}
            data-end={s.end}
            onMouseEnter={enter}
            onFocus={enter}
            onMouseLeave={() => setHover(null)}
            onBlur={() => setHover(null)}
          >
            <span className="fname">{s.label}</span>
            {s.value !== undefined && <span className="fvalue">{s.value}</span>}
            <span className="flen">
              {s.end - s.start} B{link && (
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
  );
}
