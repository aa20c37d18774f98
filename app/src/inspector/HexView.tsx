/**
 * A hex grid (16 bytes a row, with ASCII) over one byte buffer. Hovering a byte highlights the
 * field that holds it (and that field in the tree); a hovered field lights up its bytes here.
 *
 * Each row is drawn as at most three text runs (before / highlighted / after) rather than one
 * element per byte: a certificate flight is over a thousand bytes, and per-byte elements made
 * every step slow. The byte under the mouse is found from the monospace column.
 */
import { memo, useMemo, useState } from 'react';
import type { ByteSpan } from '../store/derive';
import { useAppStore, type Hover } from '../store';
import { asciiChar } from '../format';
import { spanAt } from './spans';

const PER_ROW = 16;
/** Rows drawn before "show all" (a certificate flight has ~80 rows). */
const FIRST_ROWS = 24;

interface Props {
  bytes: Uint8Array;
  spans: readonly ByteSpan[];
  space: Hover['space'];
  label: string;
}

function hexRun(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0') + (i === to - 1 ? '' : ' ');
  return s;
}

function asciiRun(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += asciiChar(bytes[i] ?? 0);
  return s;
}

/** Splits [offset, end) into before / highlighted / after. */
function runs(offset: number, end: number, hlStart: number, hlEnd: number): [number, number, number, number] {
  const a = Math.min(Math.max(hlStart, offset), end);
  const b = Math.min(Math.max(hlEnd, a), end);
  return [offset, a, b, end];
}

const Row = memo(function Row(props: { bytes: Uint8Array; offset: number; hlStart: number; hlEnd: number }) {
  const { bytes, offset } = props;
  const end = Math.min(bytes.length, offset + PER_ROW);
  const [s, a, b, e] = runs(offset, end, props.hlStart, props.hlEnd);
  const sep = (x: number, y: number) => (x < y && y < end ? ' ' : '');
  return (
    <div className="hex-row" data-offset={offset}>
      <span className="off">{offset.toString(16).padStart(4, '0')}</span>
      <span className="cells" data-offset={offset} data-count={end - offset}>
        {a > s && hexRun(bytes, s, a) + sep(s, a)}
        {b > a && <span className="hl">{hexRun(bytes, a, b)}</span>}
        {b > a && sep(a, b)}
        {e > b && hexRun(bytes, b, e)}
      </span>
      <span className="ascii" data-offset={offset} data-count={end - offset}>
        {a > s && asciiRun(bytes, s, a)}
        {b > a && <span className="hl">{asciiRun(bytes, a, b)}</span>}
        {e > b && asciiRun(bytes, b, e)}
      </span>
    </div>
  );
});

/** The byte under the mouse, from the run's monospace columns (hex: 3 columns a byte, ASCII: 1). */
function byteAt(ev: React.MouseEvent): number | null {
  const el = (ev.target as HTMLElement).closest<HTMLElement>('.cells, .ascii');
  if (!el) return null;
  const offset = Number(el.dataset.offset);
  const count = Number(el.dataset.count);
  const rect = el.getBoundingClientRect();
  const columns = el.classList.contains('cells') ? count * 3 - 1 : count;
  const col = Math.floor(((ev.clientX - rect.left) / rect.width) * columns);
  const i = el.classList.contains('cells') ? Math.floor(col / 3) : col;
  if (i < 0 || i >= count) return null;
  return offset + i;
}

export function HexView({ bytes, spans, space, label }: Props) {
  const hover = useAppStore((s) => (s.hover?.space === space ? s.hover : null));
  const setHover = useAppStore((s) => s.setHover);
  const [all, setAll] = useState(false);
  const totalRows = Math.ceil(bytes.length / PER_ROW);
  const hlStart = hover?.start ?? -1;
  const hlEnd = hover?.end ?? -1;
  // A hovered field beyond the first rows shows them all.
  const showAll = all || totalRows <= FIRST_ROWS + 4 || hlEnd > FIRST_ROWS * PER_ROW;
  const rows = useMemo(() => Array.from({ length: showAll ? totalRows : FIRST_ROWS }, (_, r) => r * PER_ROW), [totalRows, showAll]);
  const onMove = (e: React.MouseEvent) => {
    const i = byteAt(e);
    if (i === null) return;
    const s = spanAt(spans, i);
    if (!s) return setHover(null);
    if (hover && hover.start === s.start && hover.end === s.end && hover.label === s.label) return;
    setHover({ space, start: s.start, end: s.end, label: s.label });
  };
  const shownEnd = Math.min(bytes.length, rows.length * PER_ROW);
  const hlCount = hover ? Math.max(0, Math.min(hlEnd, shownEnd) - Math.max(hlStart, 0)) : 0;
  return (
    <div className="hex" aria-label={label} data-space={space} data-hl-bytes={hlCount} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
      {rows.map((off) => (
        <Row key={off} bytes={bytes} offset={off} hlStart={hlEnd > off && hlStart < off + PER_ROW ? hlStart : -1} hlEnd={hlEnd > off && hlStart < off + PER_ROW ? hlEnd : -1} />
      ))}
      {!showAll && (
        <button type="button" className="linkish more" onClick={() => setAll(true)}>
          show all {bytes.length} bytes ({totalRows - FIRST_ROWS} more rows)
        </button>
      )}
      {hover && (
        <div className="hex-status" aria-live="polite">
          {hover.label}: bytes {hover.start}–{hover.end - 1} ({hover.end - hover.start} bytes)
        </div>
      )}
    </div>
  );
}
