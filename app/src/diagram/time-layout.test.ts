/**
 * The diagram's time layout, on real runs: to scale between moments, nobody sends above what it
 * read; and the request and first-byte marks, at their records' ends with timeline()'s numbers.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import { buildRunView, type RunView } from '../store/derive';
import { timeline } from '../timing/model';
import { timeCaption, timeMarks } from './time-axis';
import { momentAt, timeLayout, type TimeGeometry } from './time-layout';

const G: TimeGeometry = { top: 40, pxPerRtt: 200, gap: 20, bottom: 30 };

function run(patch: Partial<Scenario>): RunView {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'time-layout', ...patch }, (e) => events.push(e));
  return buildRunView(events);
}

const RUNS: Partial<Scenario>[] = [
  {},
  { version: 'TLS 1.2' },
  { version: 'TLS 1.2', mutual: true },
  { helloRetry: true },
  { resumption: true, earlyData: true },
  { fault: 'bad-signature' },
  { fault: 'tamper-ciphertext' },
];

describe('timeLayout', () => {
  it('puts each end of an arrow in the strip of its time, and the strips to scale in between', () => {
    for (const patch of RUNS) {
      const t = timeline(run(patch));
      const l = timeLayout(t, G);
      expect(l.rows.map((r) => r.timed.arrow.id)).toEqual(t.arrows.map((a) => a.arrow.id));
      for (const r of l.rows) {
        const d = momentAt(l, r.timed.depart)!;
        const a = momentAt(l, r.timed.arrive)!;
        expect(r.y1).toBeGreaterThanOrEqual(d.y);
        expect(r.y1).toBeLessThanOrEqual(d.y + d.extent);
        expect(r.y2).toBeGreaterThanOrEqual(a.y);
        expect(r.y2).toBeLessThanOrEqual(a.y + a.extent);
      }
      // Between two moments, time is to scale; a strip only adds its own height.
      l.moments.slice(1).forEach((m, i) => {
        const prev = l.moments[i]!;
        expect(m.y - prev.y - prev.extent).toBeCloseTo((m.t - prev.t) * G.pxPerRtt);
      });
      expect(l.moments[0]).toMatchObject({ t: 0, y: G.top });
      const last = l.moments[l.moments.length - 1]!;
      expect(last.t).toBe(Math.max(...t.arrows.map((a) => a.arrive)));
      expect(l.height).toBe(last.y + last.extent + G.bottom);
    }
  });

  it('draws the records a side sends at one moment gap apart and parallel, in the order they were sent', () => {
    const l = timeLayout(timeline(run({})), G);
    // TLS 1.3: the server answers the ClientHello with three records at once.
    const server = l.rows.filter((r) => r.timed.arrow.from === 'server' && r.timed.depart === 0.5);
    expect(server.map((r) => [r.slot, r.sent])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    server.slice(1).forEach((r, i) => {
      expect(r.y1 - server[i]!.y1).toBe(G.gap);
      expect(r.y2 - server[i]!.y2).toBe(G.gap);
    });
    // A record that left alone has its moment's first row at the receiver, and its sender's strip holds it.
    const hello = l.rows[0]!;
    expect(hello).toMatchObject({ y1: G.top, slot: 0, sent: 1 });
    expect(hello.y2).toBe(momentAt(l, 0.5)!.y);
  });

  it('never starts an arrow above a record its sender had read before sending it', () => {
    for (const patch of RUNS) {
      const view = run(patch);
      const l = timeLayout(timeline(view), G);
      const read: Record<'client' | 'server', string[]> = { client: [], server: [] };
      let checked = 0;
      view.events.forEach((e, i) => {
        if (e.type !== 'record') return;
        if (e.direction === 'received') {
          read[e.side].push(e.recordId);
          return;
        }
        const row = l.byId.get(e.recordId);
        if (!row || row.timed.arrow.eventIndex !== i) return;
        for (const id of read[e.side]) {
          expect(l.byId.get(id)!.y2, `${JSON.stringify(patch)}: ${row.timed.arrow.label} starts above ${id}'s arrival`).toBeLessThan(row.y1);
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(0);
    }
  });

  it('lays out an empty run as one moment', () => {
    const l = timeLayout({ arrows: [] }, G);
    expect(l.rows).toEqual([]);
    expect(l.moments).toEqual([{ t: 0, y: G.top, extent: 0 }]);
  });
});

describe('timeMarks and timeCaption', () => {
  it('mark when the request left and the first byte arrived, where their records start and end', () => {
    for (const [patch, request, firstByte] of [
      [{}, 100, 200],
      [{ version: 'TLS 1.2' }, 200, 300],
      [{ resumption: true, earlyData: true }, 0, 100],
    ] as const) {
      const t = timeline(run(patch));
      const layout = timeLayout(t, G);
      const marks = timeMarks({ timeline: t, layout, rtt: 100 });
      expect(marks.map((m) => [m.kind, m.ms, m.lines[1]])).toEqual([
        ['request', request, `at ${request} ms`],
        ['first-byte', firstByte, `at ${firstByte} ms`],
      ]);
      expect(marks[0]!.y).toBe(layout.byId.get(t.request!.arrow.id)!.y1);
      expect(marks[1]!.y).toBe(layout.byId.get(t.response!.arrow.id)!.y2);
    }
    // A handshake that fails has neither.
    const failed = timeline(run({ fault: 'bad-signature' }));
    expect(timeMarks({ timeline: failed, layout: timeLayout(failed, G), rtt: 100 })).toEqual([]);
  });

  it('says how long a crossing takes at the chosen round-trip time', () => {
    const t = timeline(run({}));
    expect(timeCaption(t, 300)[0]).toBe('Time goes down: RTT 300 ms, a record takes 150 ms to cross.');
    expect(timeCaption({ arrows: [] }, 20)[0]).toBe('Time goes down: RTT 20 ms.');
  });
});
