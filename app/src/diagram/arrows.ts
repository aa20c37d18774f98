/**
 * One arrow per record: a focusable button (role=button) holding the shaft, a lock and the
 * key's name for a protected record, the label (one line, or the messages on two lines when
 * it is too wide) and the marks at the receiving end (who is at fault, when application data
 * travels, the certificate verdict). An arrow is built and laid out once, when it first
 * appears; a step only updates what it changes: the selection, a certificate verdict.
 * This file lays an arrow out in its row (one row per record); timed-arrows.ts lays the same
 * elements out on the time axis.
 */
import { select, type Selection } from 'd3';
import type { Arrow } from '../store/derive';
import { dataTiming, faultMark } from '../store/facts';
import { lifelineX, ROW, rowY, SLOPE } from './geometry';
import { keyFont, keyShort, labelFont, labelSplits, setAttr, setAttrs, setLines, smallLabelFont, textWidth, type DiagramFont } from './measure';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** What the arrows' layout depends on (a change re-lays out every arrow). */
export interface ArrowLayout {
  width: number;
  font: DiagramFont;
  /** For the first arrow of each flight: how many label lines its band has in the left margin. */
  marginLines: ReadonlyMap<number, number>;
}

/** A mark's line height: 1.1em of the marks' 0.75em type (styles.css). */
const markLine = (font: DiagramFont) => 1.1 * 0.75 * font.px;

/** Where an arrow's shaft starts and ends. */
export interface Ends {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The shaft from the sender's lifeline at `y1` to (just before) the receiver's at `y2`. */
export function shaftBetween(d: Arrow, width: number, y1: number, y2: number): Ends {
  const x = lifelineX(width);
  return { x1: d.from === 'client' ? x.client : x.server, x2: d.from === 'client' ? x.server - 4 : x.client + 4, y1, y2 };
}

/** Where an arrow's shaft starts and ends in its row. */
export function shaftEnds(d: Arrow, width: number): Ends {
  return shaftBetween(d, width, rowY(d.index) - SLOPE / 2, rowY(d.index) + SLOPE / 2);
}

export function arrowClass(d: Arrow, selectedId: string | null): string {
  const c = ['arrow', d.from === 'client' ? 'c2s' : 's2c'];
  if (d.keyName) c.push('protected');
  // A fatal alert is drawn in alarm red; close_notify (a warning-level alert) is a clean close.
  if (d.alert) c.push(d.alert.level === 'fatal' ? 'alert fatal' : 'close');
  if (d.appdata) c.push('appdata');
  if (d.changeCipherSpec) c.push('ccs');
  if (d.id === selectedId) c.push('selected');
  const fault = faultMark(d);
  if (fault) c.push(fault.kind === 'on-path' ? 'tampered' : 'faulty');
  if (d.phase) c.push(`phase-${d.phase}`);
  return c.join(' ');
}

export function marker(d: Arrow): string {
  if (d.alert?.level === 'fatal') return 'url(#head-alert)';
  if (d.keyName) return 'url(#head-protected)';
  return 'url(#head-plain)';
}

export function child<K extends keyof SVGElementTagNameMap>(parent: Element, tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent.appendChild(el);
  return el;
}

/** The elements of one arrow, in the order the export and the styles expect. */
export function buildArrow(g: SVGGElement, d: Arrow, onSelect: (id: string) => void): void {
  g.setAttribute('tabindex', '0');
  g.setAttribute('role', 'button');
  g.addEventListener('click', () => onSelect(d.id));
  g.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      ev.stopPropagation();
      onSelect(d.id);
    }
  });
  child(g, 'title', {});
  child(g, 'rect', { class: 'row-bg', rx: 6 });
  child(g, 'line', { class: 'hit' });
  child(g, 'line', { class: 'shaft' });
  const lock = child(g, 'g', { class: 'lock', 'aria-hidden': 'true' });
  child(lock, 'path', { class: 'shackle', d: 'M-3.5,0 v-3 a3.5,3.5 0 0 1 7,0 v3' });
  child(lock, 'rect', { x: -5, y: 0, width: 10, height: 7, rx: 1.5 });
  for (const cls of ['label', 'keyname', 'tamper', 'timing', 'certcheck']) child(g, 'text', { class: cls });
}

/**
 * The label: one line if it fits, else the messages on two lines of about equal width, a
 * little smaller so they stay inside the row (clear of the row above). A label may reach past
 * the lifelines, up to the flight names in the left margin.
 */
function layoutLabel(t: SVGTextElement, d: Arrow, width: number, font: DiagramFont): void {
  const x = lifelineX(width);
  const mid = (x.client + x.server) / 2;
  const avail = Math.max(x.server - x.client - 24, x.client + x.server - 2 * 108);
  const sel = select(t).attr('x', mid).attr('text-anchor', 'middle');
  sel
    .text(d.label)
    .attr('y', rowY(d.index) - SLOPE / 2 - 6)
    .attr('textLength', null)
    .attr('lengthAdjust', null);
  if (textWidth(d.label, labelFont(font)) <= avail) return;
  if (d.messages.length < 2) {
    sel.attr('textLength', avail).attr('lengthAdjust', 'spacingAndGlyphs');
    return;
  }
  sel.text(null).attr('y', rowY(d.index) - SLOPE / 2 - 3);
  const small = smallLabelFont(font);
  const widest = (ls: string[]) => Math.max(...ls.map((l) => textWidth(l, small)));
  const splits = labelSplits(d);
  let lines = splits[0]!;
  for (const candidate of splits.slice(1)) if (widest(candidate) < widest(lines)) lines = candidate;
  lines.forEach((line, i) => {
    const span = sel
      .append('tspan')
      .attr('x', mid)
      .attr('dy', i === 0 ? '-1em' : '1em')
      .attr('font-size', '0.9em')
      .text(line);
    if (textWidth(line, small) > avail) span.attr('textLength', avail).attr('lengthAdjust', 'spacingAndGlyphs');
  });
}

/**
 * Marks at the receiving end sit outside the lifelines, clear of the key's name under the
 * arrow: who is at fault for a record — changed on the wire, or a wrong value its sender
 * computed (the engine's fault event) — and when application data travels (0-RTT, 0.5-RTT)
 * and when the answer arrives. They stack upwards from the arrow's line, except beside the
 * first arrow of a flight whose band labels ("Flight 2", "round trip 1") fill the left margin
 * down to that line: there they stack downwards, and the certificate verdict moves below them.
 */
function layoutMarks(g: SVGGElement, d: Arrow, layout: ArrowLayout): void {
  const { outside, anchor } = marksSide(d, layout.width);
  const y = rowY(d.index) + SLOPE / 2 + 4;
  const fault = faultMark(d);
  const lines = fault?.lines ?? dataTiming(d) ?? [];
  const down = d.to === 'client' && (layout.marginLines.get(d.index) ?? 0) >= 2;
  const tamper = g.querySelector<SVGTextElement>('text.tamper')!;
  setAttrs(tamper, { x: outside, y, 'text-anchor': anchor, class: `tamper ${fault?.kind ?? ''}` });
  setLines(tamper, fault?.lines ?? [], outside, !down);
  const timing = g.querySelector<SVGTextElement>('text.timing')!;
  setAttrs(timing, { x: outside, y, 'text-anchor': anchor });
  setLines(timing, fault ? [] : (dataTiming(d) ?? []), outside, !down);
  // Where a certificate chain arrived, the receiver's verdict (filled in by updateArrow).
  // (Below the last mark line by a line and a little more: the verdict is bold.)
  const certY = down && lines.length > 0 ? y + (lines.length - 1) * markLine(layout.font) + 1.3 * markLine(layout.font) : rowY(d.index) + SLOPE / 2 + 20;
  const cert = g.querySelector<SVGTextElement>('text.certcheck')!;
  setAttrs(cert, { x: outside, y: certY, 'text-anchor': anchor });
}

/** Where an arrow's marks go: just outside the receiver's lifeline, reading away from it. */
export function marksSide(d: Arrow, width: number): { outside: number; anchor: 'start' | 'end' } {
  const x = lifelineX(width);
  return d.to === 'client' ? { outside: x.client - 8, anchor: 'end' } : { outside: x.server + 8, anchor: 'start' };
}

/** The arrow's accessible name, record id, step and tooltip (`more` is added to the tooltip). */
export function nameArrow(g: SVGGElement, d: Arrow, more = ''): void {
  g.setAttribute('aria-label', d.ariaLabel);
  g.setAttribute('data-record-id', d.id);
  g.setAttribute('data-step', String(d.step));
  g.querySelector('title')!.textContent = `${d.ariaLabel} · step ${d.step} · ${d.record.bytes.length} bytes${more}`;
}

/** Lays out one arrow for `layout`: everything about it that no step changes. */
export function layoutArrow(g: SVGGElement, d: Arrow, layout: ArrowLayout): void {
  const { width, font } = layout;
  const x = lifelineX(width);
  const mid = (x.client + x.server) / 2;
  const e = shaftEnds(d, width);
  nameArrow(g, d);
  const bg = g.querySelector('rect.row-bg')!;
  setAttrs(bg, { x: x.client - 8, width: x.server - x.client + 16, y: rowY(d.index) - ROW / 2 + 2, height: ROW - 4 });
  const hit = g.querySelector('line.hit')!;
  setAttrs(hit, { ...e });
  const shaft = g.querySelector('line.shaft')!;
  setAttr(shaft, 'marker-end', marker(d));
  setAttr(shaft, 'x1', e.x1);
  setAttr(shaft, 'y1', e.y1);
  layoutLabel(g.querySelector<SVGTextElement>('text.label')!, d, width, font);
  const key = d.keyName ? `key: ${keyShort(d.keyName)}` : '';
  const keyname = g.querySelector('text.keyname')!;
  setAttrs(keyname, { x: mid, y: rowY(d.index) + SLOPE / 2 + 15, 'text-anchor': 'middle' });
  if (keyname.textContent !== key) keyname.textContent = key;
  // The lock sits just before the key's name, under the arrow.
  const w = d.keyName ? textWidth(key, keyFont(font)) : 0;
  const lock = g.querySelector('g.lock')!;
  setAttr(lock, 'display', d.keyName ? null : 'none');
  setAttr(lock, 'transform', `translate(${mid - w / 2 - 10},${rowY(d.index) + SLOPE / 2 + 7})`);
  layoutMarks(g, d, layout);
}

/** What a step may change on an arrow already drawn: selected or not, a certificate verdict. */
export function updateArrow(g: SVGGElement, d: Arrow, selectedId: string | null, certOk: boolean | undefined): void {
  setAttr(g, 'class', arrowClass(d, selectedId));
  setAttr(g, 'aria-pressed', d.id === selectedId ? 'true' : 'false');
  const cert = g.querySelector('text.certcheck')!;
  setAttr(cert, 'class', `certcheck ${certOk === false ? 'bad' : 'good'}`);
  const text = certOk === undefined ? '' : certOk ? 'chain ✓' : 'chain ✗';
  if (cert.textContent !== text) cert.textContent = text;
}

export interface ArrowsParams {
  arrows: readonly Arrow[];
  selectedId: string | null;
  certChecks: ReadonlyMap<string, boolean>;
  onSelect: (id: string) => void;
  /** Lays out a new arrow (in its row, or on the time axis). */
  layout: (g: SVGGElement, d: Arrow) => void;
}

/**
 * Joins the arrows on screen: new ones are built and laid out, gone ones removed, the others
 * only updated. Returns the arrows that entered (the step's new records).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function drawArrows(layer: Selection<SVGGElement, unknown, any, unknown>, p: ArrowsParams): Selection<SVGGElement, Arrow, SVGGElement, unknown> {
  let entered!: Selection<SVGGElement, Arrow, SVGGElement, unknown>;
  const groups = layer
    .selectAll<SVGGElement, Arrow>('g.arrow')
    .data(p.arrows, (d) => d.id)
    .join(
      (enter) => {
        entered = enter.append('g').each(function (d) {
          buildArrow(this, d, p.onSelect);
          p.layout(this, d);
        });
        return entered;
      },
      (update) => update,
      (exit) => exit.remove(),
    );
  groups.each(function (d) {
    updateArrow(this, d, p.selectedId, p.certChecks.get(d.id));
  });
  return entered;
}
