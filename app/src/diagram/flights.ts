/**
 * The flight bands behind the arrows: one band per flight whose first record is on screen,
 * with "Flight n", the round trip it completes and, for a capture, when its first record was
 * on the wire. A band is laid out once; a step only stretches the band of the flight it grew.
 */
import type { Selection } from 'd3';
import type { Arrow, Flight } from '../store/derive';
import { flightLabelY, MARGIN_LABEL_X, ROW, rowY } from './geometry';
import { setAttr } from './measure';

export interface FlightParams {
  flights: readonly Flight[];
  /** The arrows on screen, in order. */
  arrows: readonly Arrow[];
  width: number;
  /** A captured connection: label each flight with its capture time (ms since the first packet). */
  captureTimes: boolean;
}

/** The lines in the left margin of a flight's band, top to bottom. */
export function flightLines(f: Flight, first: Arrow | undefined, captureTimes: boolean): { cls: string; text: string }[] {
  const out = [{ cls: 'flight-label', text: `Flight ${f.n}` }];
  if (f.rtt) out.push({ cls: 'rtt-label', text: `round trip ${f.rtt}` });
  // The packet timestamps of a capture: when the flight's first record was complete on the wire.
  if (captureTimes && first) out.push({ cls: 'time-label', text: `at ${first.record.t.toFixed(2)} ms` });
  return out;
}

/** How many lines a flight's band has in the left margin (flightLines, without the texts). */
export function flightLineCount(f: Flight, captureTimes: boolean): number {
  return 1 + (f.rtt ? 1 : 0) + (captureTimes ? 1 : 0);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function drawFlights(layer: Selection<SVGGElement, unknown, any, unknown>, p: FlightParams): void {
  const lastShown = new Map<number, number>();
  for (const a of p.arrows) lastShown.set(a.flight, a.index);
  const flights = p.flights.filter((f) => lastShown.has(f.n) && p.arrows.some((a) => a.index === f.first));
  const bands = layer
    .selectAll<SVGGElement, Flight>('g.flight')
    .data(flights, (d) => String(d.n))
    .join((enter) =>
      enter.append('g').each(function (d) {
        buildBand(this, d, p);
      }),
    );
  // A step stretches (or, stepping back, shrinks) only the band whose flight changed.
  bands.each(function (d) {
    setAttr(this.querySelector('rect.band')!, 'height', ((lastShown.get(d.n) ?? d.first) - d.first + 1) * ROW);
  });
}

/** A band's rectangle and its margin labels (what no step changes). */
function buildBand(g: SVGGElement, d: Flight, p: FlightParams): void {
  g.setAttribute('class', `flight ${d.from}`);
  const band = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  band.setAttribute('class', 'band');
  for (const [k, v] of [
    ['x', 4],
    ['width', p.width - 8],
    ['y', rowY(d.first) - ROW / 2 - 2],
    ['rx', 8],
  ] as const)
    band.setAttribute(k, String(v));
  g.appendChild(band);
  const first = p.arrows.find((a) => a.index === d.first);
  flightLines(d, first, p.captureTimes).forEach((l, i) => {
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    t.setAttribute('class', l.cls);
    t.setAttribute('x', String(MARGIN_LABEL_X));
    t.setAttribute('y', String(flightLabelY(d.first, i)));
    t.textContent = l.text;
    g.appendChild(t);
  });
}
