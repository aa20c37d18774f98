/**
 * A step's new record travels: its arrow is drawn whole at once and a dot rides along it from
 * the sender to the receiver. Only the arrows of the step move; the next draw cuts short
 * whatever is still moving (a step taken mid-flight).
 *
 * The dot is an HTML element over the diagram, moved by a Web Animation of its transform, which
 * the compositor runs without the page's main thread. A dot drawn in the SVG and moved by d3
 * (as before) needed a main-thread frame for every frame of the flight; while those frames ran,
 * Chromium showed a step's click one or two frames late (bench:app's step → painted).
 */
import { select, type Selection } from 'd3';
import type { Arrow } from '../store/derive';
import type { Ends } from './arrows';
import { takeOff } from '../store/in-flight';

/** An arrow's dot in flight. */
const flying = new WeakMap<SVGGElement, Animation>();

/** Puts an arrow's shaft at its end and takes away its dot, if it is still flying. */
export function settle(g: SVGGElement, e: Ends): void {
  select(g).select('line.shaft').attr('x2', e.x2).attr('y2', e.y2);
  const flight = flying.get(g);
  if (flight) {
    flying.delete(g);
    flight.finish();
  }
}

/** The dot's radius (px), as the SVG dot had. */
const R = 5;

/**
 * Draws the entered arrows (their shafts `ends(d)`) and sends a dot along each over `durationMs`;
 * calls `done(id)` when one has arrived (or was settled on the way). The dots go in the element
 * that scrolls the diagram, which the <svg> fills from its top left corner, so the SVG's
 * coordinates are the dots' too.
 */
export function travel(groups: Selection<SVGGElement, Arrow, SVGGElement, unknown>, ends: (d: Arrow) => Ends, durationMs: number, done: (id: string) => void): void {
  groups.each((d, i, nodes) => {
    const e = ends(d);
    const g = nodes[i]!;
    select(g).select('line.shaft').attr('x2', e.x2).attr('y2', e.y2);
    const host = g.ownerSVGElement?.parentElement;
    if (!host || typeof HTMLElement.prototype.animate !== 'function') {
      done(d.id);
      return;
    }
    const dot = document.createElement('div');
    // The arrow's kind (protected, alert) colours its dot.
    dot.className = ['packet', ...g.classList].filter((c) => c !== 'arrow').join(' ');
    dot.setAttribute('aria-hidden', 'true');
    host.append(dot);
    const at = (x: number, y: number) => ({ transform: `translate(${x - R}px, ${y - R}px)` });
    // easeCubicOut, as the d3 transition had.
    const flight = dot.animate([at(e.x1, e.y1), at(e.x2, e.y2)], { duration: durationMs, easing: 'cubic-bezier(0.33, 1, 0.68, 1)', fill: 'forwards' });
    flying.set(g, flight);
    const landed = takeOff();
    // Landed by its finish (or cancel) event; the timer only in case neither ever comes.
    const guard = window.setTimeout(() => land(), durationMs + 1000);
    const land = () => {
      clearTimeout(guard);
      landed();
      dot.remove();
      if (flying.get(g) === flight) flying.delete(g);
      done(d.id);
    };
    flight.addEventListener('finish', land);
    flight.addEventListener('cancel', land);
  });
}
