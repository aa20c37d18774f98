/**
 * Draws the sequence diagram with d3 into an <svg>: two lifelines, one arrow per record
 * (animated when it is played), flights as bands with their round-trip count, protected
 * records with a lock and the key's name, fatal alerts in red (close_notify is a clean close).
 * Arrows are focusable buttons.
 *
 * A new run, width or font lays the diagram out afresh; a step then touches only what it
 * changes — the new (or removed) arrow, the band of its flight, the selection, a certificate
 * verdict — so a step costs one arrow's style, layout and paint, not the whole diagram's.
 * The pieces: geometry.ts (where), measure.ts (text), header.ts, flights.ts, arrows.ts,
 * travel.ts (the animation).
 */
import { select, type Selection } from 'd3';
import type { Arrow, Flight } from '../store/derive';
import { drawArrows } from './arrows';
import { drawFlights, flightLineCount } from './flights';
import { diagramHeight, lifelineX } from './geometry';
import { fontOf, setAttr } from './measure';
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
    root.append('g').attr('class', 'lifelines');
    root.append('g').attr('class', 'arrows');
  }
  return root;
}

/** The state for this draw: a new generation when the run, the size or the font changed. */
function stateFor(svg: SVGSVGElement, p: DrawParams, fontKey: string): DrawState {
  const key = `${p.width}|${p.total}|${fontKey}|${p.captureTimes ? 1 : 0}`;
  const prev = drawn.get(svg);
  if (prev && prev.key === key && prev.flights === p.flights) return prev;
  const marginLines = new Map(p.flights.map((f) => [f.first, flightLineCount(f, !!p.captureTimes)]));
  const next: DrawState = { gen: (prev?.gen ?? 0) + 1, key, flights: p.flights, moving: new Set(), marginLines };
  drawn.set(svg, next);
  return next;
}

/** The svg's size and the two lifelines (set only when they change). */
function drawFrame(root: Selection<SVGSVGElement, unknown, null, undefined>, width: number, total: number): void {
  const svg = root.node()!;
  const height = diagramHeight(total);
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
      for (const [k, v] of [
        ['x1', d],
        ['x2', d],
        ['y1', 0],
        ['y2', height],
      ] as const)
        setAttr(this, k, v);
    });
}

export function drawDiagram(svg: SVGSVGElement, p: DrawParams): void {
  const root = ensureSkeleton(svg);
  const font = fontOf(svg);
  const gen = drawn.get(svg)?.gen;
  const state = stateFor(svg, p, `${font.px}|${font.family}`);
  // A new layout: what was drawn for the old one goes (its arrows are other records, or the
  // same records at other places).
  if (state.gen !== gen) root.selectAll('g.flights > *, g.arrows > *').remove();
  drawFrame(root, p.width, p.total);
  drawFlights(root.select<SVGGElement>('g.flights'), { flights: p.flights, arrows: p.arrows, width: p.width, captureTimes: !!p.captureTimes });
  const arrowLayer = root.select<SVGGElement>('g.arrows');
  // A step taken while the previous record still travels: it arrives at once.
  if (state.moving.size > 0) {
    arrowLayer.selectAll<SVGGElement, Arrow>('g.arrow').each(function (d) {
      if (state.moving.has(d.id) && d.step <= p.animateAfterStep) {
        settle(this, d, p.width);
        state.moving.delete(d.id);
      }
    });
  }
  const entered = drawArrows(arrowLayer, {
    arrows: p.arrows,
    width: p.width,
    font,
    marginLines: state.marginLines,
    selectedId: p.selectedId,
    certChecks: p.certChecks,
    onSelect: p.onSelect,
  });
  const fresh = entered.filter((d) => d.step > p.animateAfterStep);
  entered
    .filter((d) => d.step <= p.animateAfterStep)
    .each(function (d) {
      settle(this, d, p.width);
    });
  if (p.durationMs > 0 && !fresh.empty()) {
    fresh.each((d) => void state.moving.add(d.id));
    travel(fresh, p.width, p.durationMs, (id) => state.moving.delete(id));
  } else {
    fresh.each(function (d) {
      settle(this, d, p.width);
    });
  }
}
