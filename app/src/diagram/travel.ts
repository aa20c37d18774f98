/**
 * A step's new record travels: its shaft grows from the sender to the receiver with a dot
 * riding along, and its texts fade in once it is under way. Only the arrows of the step move;
 * the next draw cuts short whatever is still moving (a step taken mid-flight).
 */
import { easeCubicOut, select, transition, type Selection } from 'd3';
import type { Arrow } from '../store/derive';
import type { Ends } from './arrows';

/** Puts an arrow's shaft at its end, with no dot and fully opaque texts. */
export function settle(g: SVGGElement, e: Ends): void {
  const sel = select(g);
  sel.select('line.shaft').interrupt('travel').attr('x2', e.x2).attr('y2', e.y2);
  sel.selectAll('circle.packet').interrupt('travel').remove();
  sel.selectAll<SVGTextElement, unknown>('text').interrupt().style('opacity', null);
}

/** Animates the entered arrows (their shafts `ends(d)`) over `durationMs`; calls `done(id)` when one has arrived. */
export function travel(groups: Selection<SVGGElement, Arrow, SVGGElement, unknown>, ends: (d: Arrow) => Ends, durationMs: number, done: (id: string) => void): void {
  // A named transition (this also keeps d3-transition's selection methods in the bundle).
  const t = transition('travel').duration(durationMs).ease(easeCubicOut);
  groups.each(function (d) {
    const e = ends(d);
    const g = select(this);
    g.select('line.shaft')
      .attr('x2', e.x1)
      .attr('y2', e.y1)
      .transition(t)
      .attr('x2', e.x2)
      .attr('y2', e.y2)
      .on('end', () => done(d.id));
    // A dot rides along the arrow: the record travelling from sender to receiver.
    g.append('circle').attr('class', 'packet').attr('r', 5).attr('cx', e.x1).attr('cy', e.y1).transition(t).attr('cx', e.x2).attr('cy', e.y2).remove();
    g.selectAll<SVGTextElement, unknown>('text')
      .style('opacity', 0)
      .transition()
      .delay(durationMs * 0.4)
      .duration(durationMs * 0.6)
      .style('opacity', 1);
  });
}
