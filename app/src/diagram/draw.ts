/**
 * Draws the sequence diagram with d3 into an <svg>: two lifelines, one arrow per record
 * (animated when it is played), flights as bands with their round-trip count, protected
 * records with a lock and the key's name, fatal alerts in red (close_notify is a clean close). Arrows are focusable buttons.
 */
import { easeCubicOut, select, transition, type Selection } from 'd3';
import type { Arrow, Flight } from '../store/derive';
import { dataTiming, faultMark } from '../store/facts';

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

export const TOP = 10;
/** Row height: room for a two-line label above an arrow and the key's name below it. */
export const ROW = 64;
const SLOPE = 16;

export function lifelineX(width: number): { client: number; server: number } {
  return { client: 120, server: Math.max(300, width - 110) };
}

export function rowY(index: number): number {
  return TOP + 26 + index * ROW;
}

export function diagramHeight(total: number): number {
  return TOP + 26 + Math.max(total, 1) * ROW + 20;
}

function arrowClass(d: Arrow, selectedId: string | null): string {
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

function marker(d: Arrow): string {
  if (d.alert?.level === 'fatal') return 'url(#head-alert)';
  if (d.keyName) return 'url(#head-protected)';
  return 'url(#head-plain)';
}

/** Short form of a key name for the label under a protected arrow. */
function keyShort(name: string): string {
  return name.replace(/_secret$/, '').replace(/_/g, ' ');
}

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

/** The non-scrolling head: "Client" and "Server" boxes with each side's current state. */
export function drawHeader(svg: SVGSVGElement, width: number, states: DrawParams['states']): void {
  const x = lifelineX(width);
  const sides = [
    { side: 'client', name: 'Client', x: x.client, state: states.client },
    { side: 'server', name: 'Server', x: x.server, state: states.server },
  ];
  const root = select(svg).attr('width', width).attr('height', HEADER).attr('viewBox', `0 0 ${width} ${HEADER}`);
  const g = root
    .selectAll<SVGGElement, (typeof sides)[number]>('g.lifeline')
    .data(sides, (d) => d.side)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'lifeline');
      e.append('line').attr('class', 'life');
      e.append('rect').attr('class', 'head-box').attr('rx', 6);
      e.append('text').attr('class', 'who');
      e.append('text').attr('class', 'state');
      return e;
    });
  g.attr('aria-label', (d) => `${d.name} state: ${d.state ?? 'not started'}`).attr('role', 'img');
  g.select('line.life').attr('x1', (d) => d.x).attr('x2', (d) => d.x).attr('y1', 36).attr('y2', HEADER);
  g.select('rect.head-box').attr('x', (d) => d.x - 62).attr('y', 6).attr('width', 124).attr('height', 30);
  g.select('text.who').attr('x', (d) => d.x).attr('y', 26).attr('text-anchor', 'middle').text((d) => d.name);
  // A state name wider than the room around its lifeline is condensed to fit.
  const style = fontOf(svg);
  const font = stateFont(style.px, style.family);
  g.select<SVGTextElement>('text.state')
    .attr('x', (d) => d.x)
    .attr('y', 54)
    .attr('text-anchor', 'middle')
    .text((d) => d.state ?? '—')
    .each(function (d) {
      const room = 2 * Math.min(d.x, width - d.x) - 8;
      const w = textWidth(d.state ?? '—', font);
      select(this)
        .attr('textLength', w > room ? room : null)
        .attr('lengthAdjust', w > room ? 'spacingAndGlyphs' : null);
    });
}

export const HEADER = 64;

let measureCtx: CanvasRenderingContext2D | null = null;
/** Text width from canvas metrics: no layout, unlike getComputedTextLength (which thrashed). */
/** Sets each element's text only when it changes (d3's .text() always replaces the node). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setText<D>(sel: Selection<any, D, any, unknown>, text: (d: D) => string): void {
  sel.each(function (this: Element, d: D) {
    const v = text(d);
    if (this.textContent !== v) this.textContent = v;
  });
}

/**
 * Short lines in the margin beside an arrow's head: the last on the arrow's line, the ones
 * before it stacked above (so the line below stays free for the certificate check).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setLines<D>(sel: Selection<any, D, any, unknown>, lines: (d: D) => string[], x: (d: D) => number): void {
  sel.each(function (this: Element, d: D) {
    const ls = lines(d);
    const key = ls.join('\n');
    if (this.getAttribute('data-lines') === key) return;
    this.setAttribute('data-lines', key);
    const t = select(this);
    t.text(null);
    ls.forEach((l, i) =>
      t
        .append('tspan')
        .attr('x', x(d))
        .attr('dy', i === 0 ? `${-(ls.length - 1) * 1.1}em` : '1.1em')
        .text(l),
    );
  });
}

const widths = new Map<string, number>();
let measureFont = '';
/** The rendered width of `text` in `font` (cached: labels repeat on every step). */
function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  const known = widths.get(key);
  if (known !== undefined) return known;
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * 7;
  // The context normalizes what it is given, so remember what we set (setting it is costly).
  if (measureFont !== font) {
    measureCtx.font = font;
    measureFont = font;
  }
  const w = measureCtx.measureText(text).width;
  if (widths.size > 4000) widths.clear();
  widths.set(key, w);
  return w;
}

let fontCache: { key: string; px: number; family: string } | undefined;
/**
 * The diagram's font size and family. Reading them forces a style recalculation right after
 * React's commit, so they are read again only when something that can change them does (the
 * Large type class, the colour scheme class, the window width).
 */
function fontOf(svg: SVGSVGElement): { px: number; family: string } {
  const key = `${document.documentElement.className}|${window.innerWidth}`;
  if (fontCache?.key !== key) {
    const style = getComputedStyle(svg);
    fontCache = { key, px: Number.parseFloat(style.fontSize) || 13, family: style.fontFamily };
  }
  return fontCache;
}

const stateFont = (px: number, family: string) => `${px * 0.85}px ${family}`;

/** The strings a label may be drawn as: one line, or the messages split in two at k. */
function labelSplits(d: Arrow): string[][] {
  const out: string[][] = [];
  for (let k = 1; k < d.messages.length; k++) out.push([`${d.messages.slice(0, k).join(' + ')} +`, d.messages.slice(k).join(' + ')]);
  return out;
}

/**
 * Measures every label of a run ahead of time (call when idle): the first measurement of a
 * string in a font is what costs, and it would otherwise fall on the step that shows it.
 */
export function prewarmLabels(svg: SVGSVGElement, arrows: readonly Arrow[], states: readonly string[]): void {
  const { px, family } = fontOf(svg);
  for (const s of states) textWidth(s, stateFont(px, family));
  const labelFont = `600 ${px}px ${family}`;
  const small = `600 ${px * 0.9}px ${family}`;
  const keyFont = `${px * 0.8}px ${family}`;
  for (const d of arrows) {
    textWidth(d.label, labelFont);
    for (const lines of labelSplits(d)) for (const l of lines) textWidth(l, small);
    if (d.keyName) textWidth(`key: ${keyShort(d.keyName)}`, keyFont);
  }
}

export function drawDiagram(svg: SVGSVGElement, p: DrawParams): void {
  const root = ensureSkeleton(svg);
  const style = fontOf(svg);
  const px = style.px;
  const labelFont = `600 ${px}px ${style.family}`;
  const keyFont = `${px * 0.8}px ${style.family}`;
  const height = diagramHeight(p.total);
  const x = lifelineX(p.width);
  root.attr('width', p.width).attr('height', height).attr('viewBox', `0 0 ${p.width} ${height}`);

  // Lifelines (their heads and states are drawn by drawHeader, which does not scroll).
  const life = root
    .select('g.lifelines')
    .selectAll<SVGLineElement, number>('line.life')
    .data([x.client, x.server])
    .join('line')
    .attr('class', 'life');
  life.attr('x1', (d) => d).attr('x2', (d) => d).attr('y1', 0).attr('y2', height);

  // Flight bands (only flights whose first arrow is visible).
  const shown = new Set(p.arrows.map((a) => a.index));
  const flights = p.flights.filter((f) => shown.has(f.first));
  const bands = root
    .select('g.flights')
    .selectAll<SVGGElement, Flight>('g.flight')
    .data(flights, (d) => String(d.n))
    .join((enter) => {
      const g = enter.append('g').attr('class', 'flight');
      g.append('rect').attr('class', 'band');
      g.append('text').attr('class', 'flight-label');
      g.append('text').attr('class', 'rtt-label');
      g.append('text').attr('class', 'time-label');
      return g;
    });
  bands.attr('class', (d) => `flight ${d.from}`);
  bands
    .select('rect.band')
    .attr('x', 4)
    .attr('width', p.width - 8)
    .attr('y', (d) => rowY(d.first) - ROW / 2 - 2)
    .attr('height', (d) => {
      const lastShown = Math.max(...p.arrows.filter((a) => a.flight === d.n).map((a) => a.index));
      return (lastShown - d.first + 1) * ROW;
    })
    .attr('rx', 8);
  bands
    .select('text.flight-label')
    .attr('x', 12)
    .attr('y', (d) => rowY(d.first) - ROW / 2 + 14)
    .text((d) => `Flight ${d.n}`);
  bands
    .select('text.rtt-label')
    .attr('x', 12)
    .attr('y', (d) => rowY(d.first) - ROW / 2 + 30)
    .text((d) => (d.rtt ? `round trip ${d.rtt}` : ''));
  // The packet timestamps of a capture: when the flight's first record was complete on the wire.
  bands
    .select('text.time-label')
    .attr('x', 12)
    .attr('y', (d) => rowY(d.first) - ROW / 2 + (d.rtt ? 46 : 30))
    .text((d) => {
      const a = p.captureTimes ? p.arrows.find((x) => x.index === d.first) : undefined;
      return a ? `at ${a.record.t.toFixed(2)} ms` : '';
    });

  // Arrows.
  const groups = root
    .select('g.arrows')
    .selectAll<SVGGElement, Arrow>('g.arrow')
    .data(p.arrows, (d) => d.id)
    .join(
      (enter) => {
        const g = enter
          .append('g')
          .attr('tabindex', 0)
          .attr('role', 'button')
          .on('click', (_ev, d) => p.onSelect(d.id))
          .on('keydown', (ev: KeyboardEvent, d) => {
            if (ev.key === 'Enter' || ev.key === ' ') {
              ev.preventDefault();
              ev.stopPropagation();
              p.onSelect(d.id);
            }
          });
        g.append('title');
        g.append('rect').attr('class', 'row-bg').attr('rx', 6);
        g.append('line').attr('class', 'hit');
        g.append('line').attr('class', 'shaft');
        const lock = g.append('g').attr('class', 'lock').attr('aria-hidden', 'true');
        lock.append('path').attr('class', 'shackle').attr('d', 'M-3.5,0 v-3 a3.5,3.5 0 0 1 7,0 v3');
        lock.append('rect').attr('x', -5).attr('y', 0).attr('width', 10).attr('height', 7).attr('rx', 1.5);
        g.append('text').attr('class', 'label');
        g.append('text').attr('class', 'keyname');
        g.append('text').attr('class', 'tamper');
        g.append('text').attr('class', 'timing');
        g.append('text').attr('class', 'certcheck');
        return g;
      },
      (update) => update,
      (exit) => exit.remove(),
    );

  groups
    .attr('class', (d) => arrowClass(d, p.selectedId))
    .attr('aria-label', (d) => d.ariaLabel)
    .attr('aria-pressed', (d) => (d.id === p.selectedId ? 'true' : 'false'))
    .attr('data-record-id', (d) => d.id)
    .attr('data-step', (d) => d.step);
  setText(groups.select('title'), (d) => `${d.ariaLabel} · step ${d.step} · ${d.record.bytes.length} bytes`);

  const x1 = (d: Arrow) => (d.from === 'client' ? x.client : x.server);
  const x2 = (d: Arrow) => (d.from === 'client' ? x.server - 4 : x.client + 4);
  const y1 = (d: Arrow) => rowY(d.index) - SLOPE / 2;
  const y2 = (d: Arrow) => rowY(d.index) + SLOPE / 2;
  const mid = (_d: Arrow) => (x.client + x.server) / 2;

  groups
    .select('rect.row-bg')
    .attr('x', x.client - 8)
    .attr('width', x.server - x.client + 16)
    .attr('y', (d) => rowY(d.index) - ROW / 2 + 2)
    .attr('height', ROW - 4);
  groups
    .select('line.hit')
    .attr('x1', x1)
    .attr('x2', x2)
    .attr('y1', y1)
    .attr('y2', y2);
  // Labels: one line if it fits, else the messages on two lines of about equal width. A label
  // may reach past the lifelines, up to the flight names in the left margin.
  const avail = Math.max(x.server - x.client - 24, x.client + x.server - 2 * 108);
  groups
    .select<SVGTextElement>('text.label')
    .attr('x', mid)
    .attr('text-anchor', 'middle')
    .each(function (d) {
      // Laid out already for this label, room, font and row: nothing to redo on a step.
      const key = `${d.label}|${avail}|${labelFont}|${d.index}`;
      if (this.getAttribute('data-fit') === key) return;
      this.setAttribute('data-fit', key);
      const t = select(this);
      t.text(d.label).attr('y', rowY(d.index) - SLOPE / 2 - 6).attr('textLength', null).attr('lengthAdjust', null);
      if (textWidth(d.label, labelFont) <= avail) return;
      if (d.messages.length > 1) {
        // Two lines, a little smaller, so they stay inside the row (clear of the row above).
        t.text(null).attr('y', rowY(d.index) - SLOPE / 2 - 3);
        const small = `600 ${px * 0.9}px ${style.family}`;
        const widest = (ls: string[]) => Math.max(...ls.map((l) => textWidth(l, small)));
        const splits = labelSplits(d);
        let lines = splits[0]!;
        for (const candidate of splits.slice(1)) if (widest(candidate) < widest(lines)) lines = candidate;
        lines.forEach((line, i) => {
          const span = t.append('tspan').attr('x', mid(d)).attr('dy', i === 0 ? '-1em' : '1em').attr('font-size', '0.9em').text(line);
          if (textWidth(line, small) > avail) span.attr('textLength', avail).attr('lengthAdjust', 'spacingAndGlyphs');
        });
      } else t.attr('textLength', avail).attr('lengthAdjust', 'spacingAndGlyphs');
    });
  groups
    .select('text.keyname')
    .attr('x', mid)
    .attr('y', (d) => rowY(d.index) + SLOPE / 2 + 15)
    .attr('text-anchor', 'middle')
    .call(setText, (d) => (d.keyName ? `key: ${keyShort(d.keyName)}` : ''));
  // Marks at the receiving end sit outside the lifelines, clear of the key's name under the
  // arrow: who is at fault for a record — changed on the wire, or a wrong value its sender
  // computed (the engine's fault event) — where it arrived...
  const outside = (d: Arrow) => (d.to === 'client' ? x.client - 8 : x.server + 8);
  const outsideAnchor = (d: Arrow) => (d.to === 'client' ? 'end' : 'start');
  groups
    .select('text.tamper')
    .attr('x', outside)
    .attr('y', (d) => rowY(d.index) + SLOPE / 2 + 4)
    .attr('text-anchor', outsideAnchor)
    .attr('class', (d) => `tamper ${faultMark(d)?.kind ?? ''}`)
    .call(setLines, (d) => faultMark(d)?.lines ?? [], outside);
  // ...when application data travels (0-RTT, 0.5-RTT) and when the answer arrives...
  groups
    .select('text.timing')
    .attr('x', outside)
    .attr('y', (d) => rowY(d.index) + SLOPE / 2 + 4)
    .attr('text-anchor', outsideAnchor)
    .call(setLines, (d) => (faultMark(d) ? [] : (dataTiming(d) ?? [])), outside);
  // ...and where a certificate chain arrived, the receiver's verdict once it has checked it.
  groups
    .select('text.certcheck')
    .attr('x', outside)
    .attr('y', (d) => rowY(d.index) + SLOPE / 2 + 20)
    .attr('text-anchor', outsideAnchor)
    .attr('class', (d) => `certcheck ${p.certChecks.get(d.id) === false ? 'bad' : 'good'}`)
    .call(setText, (d) => {
      const ok = p.certChecks.get(d.id);
      return ok === undefined ? '' : ok ? 'chain ✓' : 'chain ✗';
    });

  // The lock sits just before the key's name, under the arrow.
  groups.each(function (d) {
    const g = select(this);
    const w = d.keyName ? textWidth(`key: ${keyShort(d.keyName)}`, keyFont) : 0;
    g.select('g.lock')
      .attr('display', d.keyName ? null : 'none')
      .attr('transform', `translate(${mid(d) - w / 2 - 10},${rowY(d.index) + SLOPE / 2 + 7})`);
  });

  const shaft = groups
    .select<SVGLineElement>('line.shaft')
    .attr('marker-end', marker)
    .attr('x1', x1)
    .attr('y1', y1);
  const fresh = shaft.filter((d) => d.step > p.animateAfterStep);
  const settled = shaft.filter((d) => d.step <= p.animateAfterStep);
  settled.interrupt().attr('x2', x2).attr('y2', y2);
  groups.filter((d) => d.step <= p.animateAfterStep).selectAll('circle.packet').interrupt().remove();
  groups
    .filter((d) => d.step <= p.animateAfterStep)
    .selectAll<SVGTextElement, Arrow>('text')
    .interrupt()
    .style('opacity', null);
  if (p.durationMs > 0 && !fresh.empty()) {
    // A named transition (this also keeps d3-transition's selection methods in the bundle).
    const travel = transition('travel').duration(p.durationMs).ease(easeCubicOut);
    fresh
      .attr('x2', x1)
      .attr('y2', y1)
      .transition(travel)
      .attr('x2', x2)
      .attr('y2', y2);
    // A dot rides along the arrow: the record travelling from sender to receiver.
    groups
      .filter((d) => d.step > p.animateAfterStep)
      .append('circle')
      .attr('class', 'packet')
      .attr('r', 5)
      .attr('cx', x1)
      .attr('cy', y1)
      .transition(travel)
      .attr('cx', x2)
      .attr('cy', y2)
      .remove();
    groups
      .filter((d) => d.step > p.animateAfterStep)
      .selectAll<SVGTextElement, Arrow>('text')
      .style('opacity', 0)
      .transition()
      .delay(p.durationMs * 0.4)
      .duration(p.durationMs * 0.6)
      .style('opacity', 1);
  } else {
    fresh.attr('x2', x2).attr('y2', y2);
  }
}
