/**
 * An arrow on the time axis: the elements buildArrow made (arrows.ts), laid out along a shaft
 * that slants from the record's departure to its arrival (time-layout.ts). The label and the
 * lock lie along the shaft, above it; the highlight is a band along it no wider than the
 * distance to the next record of its moment. The key's name is left to the tooltip and the
 * inspector (under the shaft it would sit on the next record's label). The marks at the
 * receiving end say who is at fault, or what the data is (0-RTT, 0.5-RTT answer, answer); when
 * it arrives is on the ruler (from timeline()).
 */
import type { Arrow } from '../store/derive';
import { dataRole, faultMark } from '../store/facts';
import { ms, msAt } from '../timing/model';
import { marker, marksSide, nameArrow, shaftBetween, type Ends } from './arrows';
import { keyShort, labelFont, setAttr, setAttrs, setLines, smallLabelFont, textWidth, type DiagramFont } from './measure';
import type { TimedRow } from './time-layout';

export interface TimedArrowLayout {
  width: number;
  font: DiagramFont;
  /** The round-trip time the ms are for. */
  rtt: number;
  /** How far apart the records of one moment are drawn. */
  gap: number;
}

/** The shaft of a record on the time axis. */
export function timedEnds(d: Arrow, row: TimedRow, width: number): Ends {
  return shaftBetween(d, width, row.y1, row.y2);
}

/** The shaft's middle, its angle read left to right (degrees, so a label on it is never upside down) and its length. */
function slant(e: Ends): { mx: number; my: number; angle: number; length: number } {
  const dx = Math.abs(e.x2 - e.x1);
  // A server-to-client arrow is read from its left end, the receiver's.
  const dy = e.x1 < e.x2 ? e.y2 - e.y1 : e.y1 - e.y2;
  return { mx: (e.x1 + e.x2) / 2, my: (e.y1 + e.y2) / 2, angle: (Math.atan2(dy, dx) * 180) / Math.PI, length: Math.hypot(dx, dy) };
}

/**
 * The label along the shaft, a little smaller and then condensed when it is longer than the
 * shaft without its ends (where the arrows of a moment meet, and the lock goes). Returns its width.
 */
function layoutSlantedLabel(t: SVGTextElement, d: Arrow, e: Ends, font: DiagramFont): number {
  const s = slant(e);
  const avail = s.length - 70;
  const full = textWidth(d.label, labelFont(font));
  const small = full > avail ? textWidth(d.label, smallLabelFont(font)) : full;
  setAttrs(t, {
    x: s.mx,
    y: s.my - 6,
    'text-anchor': 'middle',
    transform: `rotate(${s.angle.toFixed(2)} ${s.mx} ${s.my})`,
    'font-size': full > avail ? '0.9em' : null,
    textLength: small > avail ? avail : null,
    lengthAdjust: small > avail ? 'spacingAndGlyphs' : null,
  });
  if (t.textContent !== d.label) t.textContent = d.label;
  return Math.min(small, avail);
}

/** The lock just before the label, along the shaft; the key's name only in the tooltip. */
function layoutSlantedLock(g: SVGGElement, d: Arrow, e: Ends, labelWidth: number): void {
  const s = slant(e);
  const lock = g.querySelector('g.lock')!;
  setAttr(lock, 'display', d.keyName ? null : 'none');
  setAttr(lock, 'transform', `rotate(${s.angle.toFixed(2)} ${s.mx} ${s.my}) translate(${s.mx - labelWidth / 2 - 10},${s.my - 14})`);
  const keyname = g.querySelector('text.keyname')!;
  setAttr(keyname, 'display', 'none');
  if (keyname.textContent !== '') keyname.textContent = '';
}

/** The hover and selection band along the shaft, over the label, short of the next record of the moment. */
function layoutBand(g: SVGGElement, e: Ends, gap: number): void {
  const s = slant(e);
  const h = gap * Math.cos((s.angle * Math.PI) / 180) - 2;
  const bg = g.querySelector('rect.row-bg')!;
  setAttrs(bg, { x: s.mx - s.length / 2 - 6, width: s.length + 12, y: s.my - h + 3, height: h, transform: `rotate(${s.angle.toFixed(2)} ${s.mx} ${s.my})` });
}

/** The lines of the mark at the receiving end: who is at fault, or what the data is (when it arrives is on the ruler). */
function timedMarkLines(d: Arrow): { fault: string[]; timing: string[] } {
  const fault = faultMark(d);
  if (fault) return { fault: fault.lines, timing: [] };
  const role = dataRole(d);
  return { fault: [], timing: role ? [role] : [] };
}

/** The marks outside the receiver's lifeline, from the arrival down; the certificate verdict under them. */
function layoutTimedMarks(g: SVGGElement, d: Arrow, e: Ends, l: TimedArrowLayout): void {
  const { outside, anchor } = marksSide(d, l.width);
  const line = 1.1 * 0.75 * l.font.px;
  const y = e.y2 + line + 2;
  const { fault, timing } = timedMarkLines(d);
  for (const [cls, lines] of [
    ['tamper', fault],
    ['timing', timing],
  ] as const) {
    const t = g.querySelector<SVGTextElement>(`text.${cls}`)!;
    setAttrs(t, { x: outside, y, 'text-anchor': anchor });
    if (cls === 'tamper') setAttr(t, 'class', `tamper ${faultMark(d)?.kind ?? ''}`);
    setLines(t, lines, outside, false);
  }
  const cert = g.querySelector('text.certcheck')!;
  const above = Math.max(fault.length, timing.length);
  setAttrs(cert, { x: outside, y: y + above * line + (above > 0 ? 2 : 0), 'text-anchor': anchor });
}

/** Lays out one arrow on the time axis: everything about it that no step changes. */
export function layoutTimedArrow(g: SVGGElement, d: Arrow, row: TimedRow, l: TimedArrowLayout): void {
  const { depart, arrive } = row.timed;
  const together = row.sent > 1 ? ` (it leaves together with ${row.sent - 1} other record${row.sent > 2 ? 's' : ''})` : '';
  const key = d.keyName ? ` · key: ${keyShort(d.keyName)}` : '';
  nameArrow(g, d, `${key} · leaves at ${ms(depart, l.rtt)}, arrives at ${ms(arrive, l.rtt)}${together}`);
  setAttrs(g, { 'data-depart-ms': msAt(depart, l.rtt), 'data-arrive-ms': msAt(arrive, l.rtt), 'data-slot': row.slot, 'data-sent': row.sent });
  const e = timedEnds(d, row, l.width);
  setAttrs(g.querySelector('line.hit')!, { ...e });
  const shaft = g.querySelector('line.shaft')!;
  setAttr(shaft, 'marker-end', marker(d));
  setAttr(shaft, 'x1', e.x1);
  setAttr(shaft, 'y1', e.y1);
  const w = layoutSlantedLabel(g.querySelector<SVGTextElement>('text.label')!, d, e, l.font);
  layoutSlantedLock(g, d, e, w);
  layoutBand(g, e, l.gap);
  layoutTimedMarks(g, d, e, l);
}
