/**
 * The diagram's non-scrolling head: "Client" and "Server" boxes over the lifelines, with each
 * side's current state under its box (condensed when it is wider than the room it has).
 */
import { select } from 'd3';
import { HEADER, lifelineX } from './geometry';
import { fontOf, setAttr, setAttrs, stateFont, textWidth } from './measure';

export interface SideStates {
  client: string | null;
  server: string | null;
}

/** Draws (or, on a step, updates only what changed in) the head. */
export function drawHeader(svg: SVGSVGElement, width: number, states: SideStates): void {
  const x = lifelineX(width);
  const sides = [
    { side: 'client', name: 'Client', x: x.client, state: states.client },
    { side: 'server', name: 'Server', x: x.server, state: states.server },
  ];
  setAttr(svg, 'width', width);
  setAttr(svg, 'height', HEADER);
  setAttr(svg, 'viewBox', `0 0 ${width} ${HEADER}`);
  const g = select(svg)
    .selectAll<SVGGElement, (typeof sides)[number]>('g.lifeline')
    .data(sides, (d) => d.side)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'lifeline').attr('role', 'img');
      e.append('line').attr('class', 'life');
      e.append('rect').attr('class', 'head-box').attr('rx', 6);
      e.append('text').attr('class', 'who');
      e.append('text').attr('class', 'state');
      return e;
    });
  const f = fontOf(svg);
  const font = stateFont(f.px, f.family);
  g.each(function (d) {
    setAttr(this, 'aria-label', `${d.name} state: ${d.state ?? 'not started'}`);
    const line = this.querySelector('line.life')!;
    setAttrs(line, { x1: d.x, x2: d.x, y1: 36, y2: HEADER });
    const box = this.querySelector('rect.head-box')!;
    setAttrs(box, { x: d.x - 62, y: 6, width: 124, height: 30 });
    const who = this.querySelector('text.who')!;
    setAttrs(who, { x: d.x, y: 26, 'text-anchor': 'middle' });
    if (who.textContent !== d.name) who.textContent = d.name;
    // A state name wider than the room around its lifeline is condensed to fit.
    const state = this.querySelector('text.state')!;
    const text = d.state ?? '—';
    setAttrs(state, { x: d.x, y: 54, 'text-anchor': 'middle' });
    if (state.textContent !== text) state.textContent = text;
    const room = 2 * Math.min(d.x, width - d.x) - 8;
    const over = textWidth(text, font) > room;
    setAttr(state, 'textLength', over ? room : null);
    setAttr(state, 'lengthAdjust', over ? 'spacingAndGlyphs' : null);
  });
}
