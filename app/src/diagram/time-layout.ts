/**
 * Where the records go when the diagram's vertical axis is time (issue 12): y grows with the
 * times timeline() gives each record, so an arrow slants from its departure on the sender's
 * lifeline down to its arrival on the receiver's. Pure numbers, no DOM.
 *
 * The records a side sends at one moment leave together. To keep each one an arrow of its own
 * (a button to click), they are drawn `gap` apart, and that moment gets a strip of that height
 * in which time stands still. Inside a moment's strip, a side's arrivals come first and what it
 * sends after reading them comes next, so no arrow starts above a record its sender had read.
 * The time between two moments is drawn to scale (`pxPerRtt`).
 */
import type { Side } from '@tlslab/engine';
import type { Timeline, TimedArrow } from '../timing/model';

export interface TimeGeometry {
  /** The y of time 0. */
  top: number;
  /** Pixels per round trip between two moments. */
  pxPerRtt: number;
  /** How far apart two records of one moment are drawn. */
  gap: number;
  /** Room under the last moment. */
  bottom: number;
}

/** One record's place: its times (in round trips) and the y of its two ends. */
export interface TimedRow {
  timed: TimedArrow;
  /** Its place among the records its sender sent at that moment (0-based), and how many there were. */
  slot: number;
  sent: number;
  y1: number;
  y2: number;
}

/** A moment on the ruler: its time (round trips), the y where its strip starts, the strip's height (0: one row). */
export interface Moment {
  t: number;
  y: number;
  extent: number;
}

export interface TimeLayout {
  rows: TimedRow[];
  byId: ReadonlyMap<string, TimedRow>;
  /** Every half round trip from 0 to the last arrival (and any other time a record has), in order. */
  moments: Moment[];
  height: number;
}

/** The records one side sent at one moment, in the run's order. */
interface Send {
  from: Side;
  depart: number;
  arrive: number;
  records: TimedArrow[];
}

function sendsOf(t: Timeline): Send[] {
  const byKey = new Map<string, Send>();
  for (const a of t.arrows) {
    const key = `${a.arrow.from}@${a.depart}`;
    const s = byKey.get(key);
    if (s) s.records.push(a);
    else byKey.set(key, { from: a.arrow.from, depart: a.depart, arrive: a.arrive, records: [a] });
  }
  return [...byKey.values()];
}

/** The moments to draw: each half round trip up to the last arrival, and every record's times. */
function momentTimes(t: Timeline): number[] {
  const end = Math.max(0, ...t.arrows.map((a) => a.arrive));
  const times = new Set<number>();
  for (let k = 0; k <= Math.ceil(end * 2); k++) times.add(k / 2);
  for (const a of t.arrows) times.add(a.depart).add(a.arrive);
  return [...times].sort((a, b) => a - b);
}

/**
 * Each side's rows at each moment: first the sends that arrive there (in the run's order), then
 * the sends it makes there. Returns each send's first row at both ends, and each moment's rows.
 */
function slotSends(sends: readonly Send[]): { arriveAt: Map<Send, number>; departAt: Map<Send, number>; rows: Map<number, number> } {
  const used = new Map<string, number>();
  const take = (side: Side, t: number, n: number) => {
    const key = `${side}@${t}`;
    const first = used.get(key) ?? 0;
    used.set(key, first + n);
    return first;
  };
  const arriveAt = new Map<Send, number>();
  const departAt = new Map<Send, number>();
  for (const s of sends) arriveAt.set(s, take(s.from === 'client' ? 'server' : 'client', s.arrive, s.records.length));
  for (const s of sends) departAt.set(s, take(s.from, s.depart, s.records.length));
  const rows = new Map<number, number>();
  for (const [key, n] of used) {
    const t = Number(key.slice(key.indexOf('@') + 1));
    rows.set(t, Math.max(rows.get(t) ?? 0, n));
  }
  return { arriveAt, departAt, rows };
}

/** Lays out the timeline's records (all of them: a step reveals them, it does not move them). */
export function timeLayout(t: Timeline, g: TimeGeometry): TimeLayout {
  const sends = sendsOf(t);
  const { arriveAt, departAt, rows: rowsAt } = slotSends(sends);
  const moments: Moment[] = [];
  let stretch = 0;
  for (const time of momentTimes(t)) {
    const extent = Math.max(0, (rowsAt.get(time) ?? 1) - 1) * g.gap;
    moments.push({ t: time, y: g.top + time * g.pxPerRtt + stretch, extent });
    stretch += extent;
  }
  const yOf = new Map(moments.map((m) => [m.t, m.y]));
  const rows: TimedRow[] = [];
  for (const s of sends) {
    s.records.forEach((timed, slot) => {
      const y1 = yOf.get(s.depart)! + (departAt.get(s)! + slot) * g.gap;
      const y2 = yOf.get(s.arrive)! + (arriveAt.get(s)! + slot) * g.gap;
      rows.push({ timed, slot, sent: s.records.length, y1, y2 });
    });
  }
  rows.sort((a, b) => a.timed.arrow.index - b.timed.arrow.index);
  const last = moments[moments.length - 1]!;
  return { rows, byId: new Map(rows.map((r) => [r.timed.arrow.id, r])), moments, height: last.y + last.extent + g.bottom };
}

/** The moment at time `t` (a record's departure or arrival). */
export function momentAt(layout: TimeLayout, t: number): Moment | undefined {
  return layout.moments.find((m) => m.t === t);
}
