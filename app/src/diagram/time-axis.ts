/**
 * The time axis behind the arrows: a caption that says how to read it, a ruler in ms on the
 * left (one tick per moment of time-layout.ts, with a faint line across and, where records of
 * one moment are drawn apart, a shaded strip), and two marks, each shown once its record is on
 * screen: when the client's request left and when the first byte of the response arrived.
 * Every number is timeline()'s, in ms at the chosen round-trip time. The ruler is laid out once
 * per layout; a step only shows or hides the two marks.
 */
import type { Selection } from 'd3';
import type { Arrow } from '../store/derive';
import { ms, msAt, type Timeline } from '../timing/model';
import { lifelineX, MARGIN_LABEL_X, TIME_CAPTION_Y } from './geometry';
import { child } from './arrows';
import { keyFont, setAttr, textWidth, type DiagramFont } from './measure';
import type { TimeLayout, TimedRow } from './time-layout';

export interface TimeAxisParams {
  timeline: Timeline;
  layout: TimeLayout;
  rtt: number;
  width: number;
  font: DiagramFont;
  /** The arrows on screen. */
  arrows: readonly Arrow[];
}

/** The caption's two lines: the scale, and how records of one moment are drawn. */
export function timeCaption(t: Timeline, rtt: number): string[] {
  const first = t.arrows[0];
  const crossing = first ? `, a record takes ${ms(first.arrive - first.depart, rtt)} to cross` : '';
  return [`Time goes down: RTT ${rtt} ms${crossing}.`, 'Records a side sends at one moment leave together (drawn apart in a shaded strip).'];
}

/** A mark: which record it is about, its y (that record's start or end), its time and its two lines of text. */
export interface TimeMark {
  kind: 'request' | 'first-byte';
  row: TimedRow;
  y: number;
  ms: number;
  lines: string[];
}

/** The two marks (none for a run without request or response). */
export function timeMarks(p: Pick<TimeAxisParams, 'timeline' | 'layout' | 'rtt'>): TimeMark[] {
  const out: TimeMark[] = [];
  const { request, response } = p.timeline;
  const req = request && p.layout.byId.get(request.arrow.id);
  if (req) out.push({ kind: 'request', row: req, y: req.y1, lines: ['request sent', `at ${ms(request.depart, p.rtt)}`], ms: msAt(request.depart, p.rtt) });
  const resp = response && p.layout.byId.get(response.arrow.id);
  if (resp) out.push({ kind: 'first-byte', row: resp, y: resp.y2, lines: ['first byte', `at ${ms(response.arrive, p.rtt)}`], ms: msAt(response.arrive, p.rtt) });
  return out;
}

function text(parent: Element, cls: string, x: number, y: number, content: string, anchor = 'start'): SVGTextElement {
  const t = child(parent, 'text', { class: cls, x, y, 'text-anchor': anchor });
  t.textContent = content;
  return t;
}

/** The ruler: a tick per moment with its ms above a faint line across, and a strip where a moment holds several records. */
function buildRuler(layer: SVGGElement, p: TimeAxisParams): void {
  const x = lifelineX(p.width);
  for (const m of p.layout.moments) {
    const g = child(layer, 'g', { class: 'moment', 'data-ms': msAt(m.t, p.rtt), 'data-y': m.y, 'data-extent': m.extent });
    if (m.extent > 0) child(g, 'rect', { class: 'strip', x: 2, width: p.width - 4, y: m.y - 4, height: m.extent + 8, rx: 4 });
    child(g, 'line', { class: 'grid', x1: 2, x2: x.server, y1: m.y, y2: m.y });
    text(g, 'tick-label', MARGIN_LABEL_X - 6, m.y - 4, ms(m.t, p.rtt));
  }
}

/** The caption over time 0 (in the key names' 0.8em), condensed where the diagram is narrower than a line. */
function buildCaption(layer: SVGGElement, p: TimeAxisParams): void {
  const g = child(layer, 'g', { class: 'time-caption' });
  const room = p.width - 16;
  timeCaption(p.timeline, p.rtt).forEach((line, i) => {
    const t = text(g, 'caption', p.width / 2, TIME_CAPTION_Y + i * 1.2 * 0.8 * p.font.px, line, 'middle');
    if (textWidth(line, keyFont(p.font)) > room) {
      t.setAttribute('textLength', String(room));
      t.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
  });
}

/** A mark: a dashed line across at its y and its two lines in the right margin, above the line. */
function buildMark(layer: SVGGElement, m: TimeMark, p: TimeAxisParams): void {
  const { width } = p;
  const x = lifelineX(width);
  const line = 1.1 * 0.8 * p.font.px;
  const g = child(layer, 'g', { class: `time-mark ${m.kind}`, 'data-testid': m.kind, 'data-ms': m.ms, 'data-y': m.y, 'data-record-id': m.row.timed.arrow.id, display: 'none' });
  child(g, 'line', { x1: 2, x2: width - 4, y1: m.y, y2: m.y });
  m.lines.forEach((l, i) => text(g, 'mark-label', x.server + 10, m.y - 5 - (m.lines.length - 1 - i) * line, l));
}

/** Draws the axis (built once per layer: the layer is emptied when the layout changes) and shows the marks whose record is on screen. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function drawTimeAxis(layer: Selection<SVGGElement, unknown, any, unknown>, p: TimeAxisParams): void {
  const node = layer.node()!;
  if (!node.hasChildNodes()) {
    buildRuler(node, p);
    buildCaption(node, p);
    for (const m of timeMarks(p)) buildMark(node, m, p);
  }
  const shown = new Set(p.arrows.map((a) => a.id));
  for (const g of node.querySelectorAll('g.time-mark')) setAttr(g, 'display', shown.has(g.getAttribute('data-record-id') ?? '') ? null : 'none');
}
