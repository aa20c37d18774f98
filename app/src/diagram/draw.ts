/**
 * Draws the sequence diagram with d3 into an <svg>: two lifelines, one arrow per record
 * (animated when it is played), flights as bands with their round-trip count, protected
 * records with a lock and the key's name, fatal alerts in red (close_notify is a clean close).
 * Arrows are focusable buttons. With a time axis (an RTT chosen), the records are laid out by
 * the times timeline() gives them instead: slanted arrows over a ruler in ms, no flight bands.
 *
 * A new run, width or font lays the diagram out afresh; a step then touches only what it
 * changes — the new (or removed) arrow, the band of its flight, the selection, a certificate
 * verdict — so a step costs one arrow's style, layout and paint, not the whole diagram's.
 * The pieces: geometry.ts (where), measure.ts (text), header.ts, flights.ts, arrows.ts,
 * travel.ts (the animation); for the time axis time-layout.ts (where), time-axis.ts (the ruler
 * and the request and first-byte marks), timed-arrows.ts.
 */
import { select, type Selection } from 'd3';
import type { Arrow, Flight } from '../store/derive';
import type { Timeline } from '../timing/model';
import { drawArrows, layoutArrow, shaftEnds, type Ends } from './arrows';
import { drawFlights, flightLineCount } from './flights';
import { diagramHeight, lifelineX, rowY, timeGeometry } from './geometry';
import { fontOf, setAttr, setAttrs, type DiagramFont } from './measure';
import { drawTimeAxis } from './time-axis';
import { timeLayout, type TimeLayout } from './time-layout';
import { layoutTimedArrow, timedEnds } from './timed-arrows';
import { settle, travel } from './travel';

export { drawHeader } from './header';
export { prewarmLabels } from './measure';
export { diagramHeight, HEADER, lifelineX, ROW, rowY, TOP } from './geometry';

export interface DrawParams {
  arrows: Arrow[];
  /** All the run's arrows (to size the lifelines). */
  total: number;
  flights: Flight[];
  width: number;
  states: { client: string | null; server: string | null };
  selectedId: string | null;
  /** Arrows with a step above this travel (animation); others appear at once. */
  animateAfterStep: number;
  durationMs: number;
  /** Certificate verdicts so far, by the arrow that carried the chain (true = accepted). */
  certChecks: Map<string, boolean>;
  /** A captured connection: label each flight with its capture time (ms since the first packet). */
  captureTimes?: boolean;
  /** Lay the records out in time: the run's timeline at this round-trip time (ms). */
  time?: { timeline: Timeline; rtt: number };
  onSelect: (id: string) => void;
}

/** What a drawn diagram was laid out for, and what is still moving in it. */
interface DrawState {
  /** Bumped when the layout changes: every arrow and band of an older layout is removed. */
  gen: number;
  key: string;
  flights: readonly Flight[] | null;
  /** Arrows whose travel animation is still running. */
  moving: Set<string>;
  /** For the first arrow of each flight: its band's label lines in the left margin. */
  marginLines: Map<number, number>;
  /** With a time axis: where each record goes. */
  time: TimeLayout | null;
}

const drawn = new WeakMap<SVGSVGElement, DrawState>();

function ensureSkeleton(svg: SVGSVGElement): Selection<SVGSVGElement, unknown, null, undefined> {
  const root = select(svg);
  if (root.select('defs').empty()) {
    const defs = root.append('defs');
    for (const kind of ['plain', 'protected', 'alert']) {
      defs
        .append('marker')
        .attr('id', `head-${kind}`)
        .attr('class', `head ${kind}`)
        .attr('viewBox', '0 0 10 10')
        .attr('refX', 9)
        .attr('refY', 5)
        .attr('markerUnits', 'userSpaceOnUse')
        .attr('markerWidth', 11)
        .attr('markerHeight', 11)
        .attr('orient', 'auto-start-reverse')
        .append('path')
        .attr('d', 'M0,0 L10,5 L0,10 z');
    }
    root.append('g').attr('class', 'flights');
    root.append('g').attr('class', 'time-axis');
    root.append('g').attr('class', 'lifelines');
    root.append('g').attr('class', 'arrows');
  }
  return root;
}

/** The state for this draw: a new generation when the run, the size, the font or the axis changed. */
function stateFor(svg: SVGSVGElement, p: DrawParams, font: DiagramFont): DrawState {
  const key = `${p.width}|${p.total}|${font.px}|${font.family}|${p.captureTimes ? 1 : 0}|${p.time?.rtt ?? 'rows'}`;
  const prev = drawn.get(svg);
  if (prev && prev.key === key && prev.flights === p.flights) return prev;
  const marginLines = new Map(p.flights.map((f) => [f.first, flightLineCount(f, !!p.captureTimes)]));
  const time = p.time ? timeLayout(p.time.timeline, timeGeometry(font.px)) : null;
  const next: DrawState = { gen: (prev?.gen ?? 0) + 1, key, flights: p.flights, moving: new Set(), marginLines, time };
  drawn.set(svg, next);
  return next;
}

/** The svg's size and the two lifelines (set only when they change). */
function drawFrame(root: Selection<SVGSVGElement, unknown, null, undefined>, width: number, height: number): void {
  const svg = root.node()!;
  setAttr(svg, 'width', width);
  setAttr(svg, 'height', height);
  setAttr(svg, 'viewBox', `0 0 ${width} ${height}`);
  // Lifelines (their heads and states are drawn by drawHeader, which does not scroll).
  const x = lifelineX(width);
  root
    .select('g.lifelines')
    .selectAll<SVGLineElement, number>('line.life')
    .data([x.client, x.server])
    .join('line')
    .attr('class', 'life')
    .each(function (d) {
      setAttrs(this, { x1: d, x2: d, y1: 0, y2: height });
    });
}

/** How this layout places the arrows: their shafts, their layout, the drawing's height, where an arrow arrives. */
interface Placement {
  arrows: Arrow[];
  ends: (d: Arrow) => Ends;
  layout: (g: SVGGElement, d: Arrow) => void;
  height: number;
  arrivalY: (d: Arrow) => number;
}

function placement(p: DrawParams, state: DrawState, font: DiagramFont): Placement {
  const { width } = p;
  const time = state.time;
  if (time && p.time) {
    const row = (d: Arrow) => time.byId.get(d.id)!;
    const l = { width, font, rtt: p.time.rtt, gap: timeGeometry(font.px).gap };
    return {
      // (Every record the run sent is on its timeline.)
      arrows: p.arrows.filter((d) => time.byId.has(d.id)),
      ends: (d) => timedEnds(d, row(d), width),
      layout: (g, d) => layoutTimedArrow(g, d, row(d), l),
      height: time.height,
      arrivalY: (d) => row(d).y2,
    };
  }
  const l = { width, font, marginLines: state.marginLines };
  return {
    arrows: p.arrows,
    ends: (d) => shaftEnds(d, width),
    layout: (g, d) => layoutArrow(g, d, l),
    height: diagramHeight(p.total),
    arrivalY: (d) => rowY(d.index),
  };
}

/** The flight bands, or with a time axis the ruler and the request and first-byte marks. */
function drawBackground(root: Selection<SVGSVGElement, unknown, null, undefined>, p: DrawParams, state: DrawState, font: DiagramFont): void {
  if (state.time && p.time) {
    drawTimeAxis(root.select<SVGGElement>('g.time-axis'), { timeline: p.time.timeline, layout: state.time, rtt: p.time.rtt, width: p.width, font, arrows: p.arrows });
  } else {
    drawFlights(root.select<SVGGElement>('g.flights'), { flights: p.flights, arrows: p.arrows, width: p.width, captureTimes: !!p.captureTimes });
  }
}

/** Draws the arrows on screen (animating the step's new one); returns the y where the newest arrives (to keep it in view). */
export function drawDiagram(svg: SVGSVGElement, p: DrawParams): number | null {
  const root = ensureSkeleton(svg);
  const font = fontOf(svg);
  const gen = drawn.get(svg)?.gen;
  const state = stateFor(svg, p, font);
  // A new layout: what was drawn for the old one goes (its arrows are other records, or the
  // same records at other places).
  if (state.gen !== gen) root.selectAll('g.flights > *, g.time-axis > *, g.arrows > *').remove();
  const place = placement(p, state, font);
  drawFrame(root, p.width, place.height);
  drawBackground(root, p, state, font);
  const arrowLayer = root.select<SVGGElement>('g.arrows');
  // A step taken while the previous record still travels: it arrives at once.
  if (state.moving.size > 0) {
    arrowLayer.selectAll<SVGGElement, Arrow>('g.arrow').each(function (d) {
      if (state.moving.has(d.id) && d.step <= p.animateAfterStep) {
        settle(this, place.ends(d));
        state.moving.delete(d.id);
      }
    });
  }
  const entered = drawArrows(arrowLayer, {
    arrows: place.arrows,
    selectedId: p.selectedId,
    certChecks: p.certChecks,
    onSelect: p.onSelect,
    layout: place.layout,
  });
  const fresh = entered.filter((d) => d.step > p.animateAfterStep);
  entered
    .filter((d) => d.step <= p.animateAfterStep)
    .each(function (d) {
      settle(this, place.ends(d));
    });
  if (p.durationMs > 0 && !fresh.empty()) {
    fresh.each((d) => void state.moving.add(d.id));
    travel(fresh, place.ends, p.durationMs, (id) => state.moving.delete(id));
  } else {
    fresh.each(function (d) {
      settle(this, place.ends(d));
    });
  }
  const last = place.arrows[place.arrows.length - 1];
  return last ? place.arrivalY(last) : null;
}
