/**
 * A hex grid (16 bytes a row, with ASCII) over one byte buffer. Hovering a byte highlights the
 * field that holds it (and that field in the tree); a hovered field lights up its bytes here.
 */
import { memo, useMemo } from 'react';
import type { ByteSpan } from '../store/derive';
import { useAppStore, type Hover } from '../store';
import { asciiChar } from '../format';
import { spanAt } from './spans';

const PER_ROW = 16;

interface Props {
  bytes: Uint8Array;
  spans: readonly ByteSpan[];
  space: Hover['space'];
  label: string;
}

const Row = memo(function Row(props: { bytes: Uint8Array; offset: number; hlStart: number; hlEnd: number }) {
  const cells = [];
  const chars = [];
  for (let i = 0; i < PER_ROW; i++) {
    const idx = props.offset + i;
    if (idx >= props.bytes.length) break;
    const b = props.bytes[idx]!;
    const hl = idx >= props.hlStart && idx < props.hlEnd;
    cells.push(
      <span key={i} className={hl ? 'hx hl' : 'hx'} data-i={idx}>
        {b.toString(16).padStart(2, '0')}
      </span>,
    );
    chars.push(
      <span key={i} className={hl ? 'asc hl' : 'asc'} data-i={idx}>
        {asciiChar(b)}
      </span>,
    );
  }
  return (
    <div className="hex-row">
      <span className="off">{props.offset.toString(16).padStart(4, '0')}</span>
      <span className="cells">{cells}</span>
      <span className="ascii">{chars}</span>
    </div>
  );
});

export function HexView({ bytes, spans, space, label }: Props) {
  const hover = useAppStore((s) => (s.hover?.space === space ? s.hover : null));
  const setHover = useAppStore((s) => s.setHover);
  const rows = useMemo(() => Array.from({ length: Math.ceil(bytes.length / PER_ROW) }, (_, r) => r * PER_ROW), [bytes]);
  const hlStart = hover?.start ?? -1;
  const hlEnd = hover?.end ?? -1;
  const onMove = (e: React.MouseEvent) => {
    const t = e.target as HTMLElement;
    const i = t.dataset.i;
    if (i === undefined) return;
    const s = spanAt(spans, Number(i));
    if (!s) return setHover(null);
    if (hover && hover.start === s.start && hover.end === s.end && hover.label === s.label) return;
    setHover({ space, start: s.start, end: s.end, label: s.label });
  };
  return (
    <div className="hex" aria-label={label} data-space={space} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
      {rows.map((off) => (
        <Row
          key={off}
          bytes={bytes}
          offset={off}
          hlStart={hlEnd > off && hlStart < off + PER_ROW ? hlStart : -1}
          hlEnd={hlEnd > off && hlStart < off + PER_ROW ? hlEnd : -1}
        />
      ))}
      {hover && (
        <div className="hex-status" aria-live="polite">
          {hover.label}: bytes {hover.start}–{hover.end - 1} ({hover.end - hover.start} bytes)
        </div>
      )}
    </div>
  );
}
