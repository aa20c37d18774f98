/**
 * The Time tab: the run drawn with time going down (each record takes RTT/2 to cross), for a
 * chosen round-trip time, with when the request left and when the response's first byte came
 * back; and the same numbers for TLS 1.2, TLS 1.3, a resumed TLS 1.3 session and 0-RTT data,
 * computed from real runs with this seed, side by side.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Scenario } from '@tlslab/engine';
import { normalizeScenario, useAppStore } from '../store';
import { buildRunView } from '../store/derive';
import { runAside } from '../engine-client';
import { RTT_CHOICES, type RttChoice } from '../store/options';
import { ms, rtts, timeline, type Timeline } from './model';

const COMPARE: { id: string; label: string; patch: Partial<Scenario> }[] = [
  { id: 'tls12', label: 'TLS 1.2, full handshake', patch: { version: 'TLS 1.2' } },
  { id: 'tls13', label: 'TLS 1.3, full handshake', patch: { version: 'TLS 1.3' } },
  { id: 'resume', label: 'TLS 1.3, resumed (PSK)', patch: { version: 'TLS 1.3', resumption: true } },
  { id: 'zero', label: 'TLS 1.3, 0-RTT data', patch: { version: 'TLS 1.3', resumption: true, earlyData: true } },
];

/** Other settings to put next to this run (same seed). */
const VARIANTS: { id: string; label: string; patch: (s: Scenario) => Partial<Scenario> }[] = [
  {
    id: 'version',
    label: 'the other TLS version',
    patch: (s) => (s.version === 'TLS 1.2' ? { version: 'TLS 1.3' } : { version: 'TLS 1.2', helloRetry: false, resumption: false, earlyData: false }),
  },
  { id: 'hrr', label: 'TLS 1.3 with HelloRetryRequest', patch: () => ({ version: 'TLS 1.3', helloRetry: true }) },
  { id: 'mutual', label: 'mutual TLS on/off', patch: (s) => ({ mutual: !s.mutual }) },
  { id: 'resume', label: 'TLS 1.3 resumed (PSK)', patch: () => ({ version: 'TLS 1.3', resumption: true, earlyData: false }) },
  { id: 'zero', label: 'TLS 1.3 with 0-RTT data', patch: () => ({ version: 'TLS 1.3', resumption: true, earlyData: true }) },
];

function describeScenario(s: Scenario): string {
  return [s.version, s.mutual && 'mutual', s.helloRetry && 'HelloRetryRequest', s.resumption && 'resumed', s.earlyData && '0-RTT', s.fault !== 'none' && s.fault]
    .filter(Boolean)
    .join(', ');
}

function Compare({ scenario, rtt, t }: { scenario: Scenario; rtt: number; t: Timeline }) {
  const [variant, setVariant] = useState('version');
  const [other, setOther] = useState<{ s: Scenario; t: Timeline | null } | undefined>();
  useEffect(() => {
    let live = true;
    setOther(undefined);
    const v = VARIANTS.find((x) => x.id === variant)!;
    const patch = v.patch(scenario);
    const s = normalizeScenario({ ...scenario, ...patch }, patch).scenario;
    if (s.version === 'TLS 1.2' && s.serverKeyType === 'ed25519') s.serverKeyType = 'ecdsa-p256';
    if (s.version === 'TLS 1.2' && s.fault === 'downgrade') s.fault = 'none';
    void runAside(s).then((events) => live && setOther({ s, t: events ? timeline(buildRunView(events)) : null }));
    return () => {
      live = false;
    };
  }, [scenario, variant]);
  return (
    <section className="card" data-testid="compare">
      <h3>Side by side (seed {scenario.seed})</h3>
      <label className="small">
        Compare this run with{' '}
        <select value={variant} onChange={(e) => setVariant(e.target.value)} aria-label="Compare with">
          {VARIANTS.map((v) => (
            <option key={v.id} value={v.id}>
              {v.label}
            </option>
          ))}
        </select>
      </label>
      <div className="side-by-side">
        <figure>
          <figcaption>This run: {describeScenario(scenario)}</figcaption>
          <TimeDiagram t={t} rtt={rtt} cursor={Infinity} />
          <p className="small">{t.firstByte !== undefined ? `First byte at ${ms(t.firstByte, rtt)}.` : 'No response.'}</p>
        </figure>
        <figure data-testid="compare-other">
          <figcaption>{other ? describeScenario(other.s) : 'Computing…'}</figcaption>
          {other?.t && <TimeDiagram t={other.t} rtt={rtt} cursor={Infinity} />}
          {other && (
            <p className="small">
              {other.t === null ? 'The engine could not run these settings.' : other.t.firstByte !== undefined ? `First byte at ${ms(other.t.firstByte, rtt)}.` : 'No response.'}
            </p>
          )}
        </figure>
      </div>
    </section>
  );
}

function TimeDiagram({ t, rtt, cursor }: { t: Timeline; rtt: number; cursor: number }) {
  const width = 460;
  const px = 90; // per round trip
  const top = 28;
  const shown = t.arrows.filter((a) => a.arrow.step <= cursor);
  // Records one side sends at the same moment travel together: one line, their names joined.
  const groups: (typeof shown)[] = [];
  for (const a of shown) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.arrow.from === a.arrow.from && last[0]!.depart === a.depart) last.push(a);
    else groups.push([a]);
  }
  const end = Math.max(1, ...t.arrows.map((a) => a.arrive));
  const height = top + end * px + 24;
  const x = { client: 70, server: width - 70 };
  const y = (v: number) => top + v * px;
  const ticks = Array.from({ length: Math.floor(end * 2) + 1 }, (_, i) => i / 2);
  return (
    <svg className="time-diagram" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`The run with time going down, RTT ${rtt} ms`}>
      <text x={x.client} y={16} textAnchor="middle" className="who">
        Client
      </text>
      <text x={x.server} y={16} textAnchor="middle" className="who">
        Server
      </text>
      <line x1={x.client} y1={top} x2={x.client} y2={height - 10} className="life" />
      <line x1={x.server} y1={top} x2={x.server} y2={height - 10} className="life" />
      {ticks.map((v) => (
        <g key={v}>
          <line x1={x.client - 8} x2={x.client} y1={y(v)} y2={y(v)} className="tick" />
          <text x={x.client - 12} y={y(v) + 4} textAnchor="end" className="tick-label">
            {ms(v, rtt)}
          </text>
        </g>
      ))}
      {groups.map((g) => {
        const a = g[0]!;
        const x1 = x[a.arrow.from];
        const x2 = x[a.arrow.to];
        const label = g.map((r) => r.arrow.label).join(' · ');
        return (
          <g
            key={a.arrow.id}
            className={`t-arrow ${a.arrow.from === 'client' ? 'c2s' : 's2c'}${g.some((r) => r.arrow.appdata) ? ' data' : ''}`}
            data-depart={a.depart}
            data-arrive={a.arrive}
            data-records={g.length}
          >
            <title>{`${label}: ${g.length === 1 ? 'leaves' : `${g.length} records leave`} at ${ms(a.depart, rtt)}, arrive${g.length === 1 ? 's' : ''} at ${ms(a.arrive, rtt)}`}</title>
            <line x1={x1} y1={y(a.depart)} x2={x2} y2={y(a.arrive)} />
            <text x={(x1 + x2) / 2} y={(y(a.depart) + y(a.arrive)) / 2 - 5} textAnchor="middle" className="t-label">
              {label.length > 56 ? `${label.slice(0, 54)}…` : label}
            </text>
          </g>
        );
      })}
      {t.firstByte !== undefined && shown.some((a) => a.arrow.from === 'server' && a.arrow.appdata) && (
        <g className="ttfb">
          <line x1={x.client - 30} x2={x.server} y1={y(t.firstByte)} y2={y(t.firstByte)} />
          <text x={x.server - 4} y={y(t.firstByte) + 14} textAnchor="end">
            first byte: {ms(t.firstByte, rtt)}
          </text>
        </g>
      )}
    </svg>
  );
}

/** What the four runs show, said only as far as their numbers say it. */
function compareNote(o: Record<string, Timeline | null>): string {
  const [t12, t13, res, zero] = [o.tls12, o.tls13, o.resume, o.zero];
  if (!t12?.firstByte || !t13?.firstByte || !res?.firstByte || !zero?.firstByte) return 'Computed from four real runs with this seed.';
  const parts = ['Computed from four real runs with this seed.'];
  if (t13.requestSent !== undefined && t12.requestSent !== undefined && t13.requestSent < t12.requestSent)
    parts.push(`TLS 1.3 sends the request ${rtts(t12.requestSent - t13.requestSent)} sooner than TLS 1.2: its key shares travel with the hellos.`);
  if (zero.requestSent === 0) parts.push('With 0-RTT the request leaves with the ClientHello.');
  if (zero.firstByte >= res.firstByte)
    parts.push(
      'This server answers the early request only after the client’s Finished, so the response comes no sooner than after a resumed handshake; a server may answer with its first flight, at the risk of acting on replayed data (RFC 8446 §8).',
    );
  else parts.push(`The response to early data arrives ${rtts(res.firstByte - zero.firstByte)} before a resumed handshake's.`);
  return parts.join(' ');
}

export function TimePanel() {
  const run = useAppStore((s) => s.run);
  const cursor = useAppStore((s) => s.cursor);
  const scenario = useAppStore((s) => s.scenario);
  // One round-trip time for both views: while the diagram's Time axis is on, this tab shows and
  // sets that one; otherwise the tab keeps its own.
  const axis = useAppStore((s) => s.timeAxis);
  const setAxis = useAppStore((s) => s.setTimeAxis);
  const [own, setOwn] = useState<RttChoice>(axis ?? 100);
  // Turning the axis off leaves this tab at the axis's last round-trip time.
  const [lastAxis, setLastAxis] = useState(axis);
  if (axis !== lastAxis) {
    setLastAxis(axis);
    if (axis !== null) setOwn(axis);
  }
  const rtt = axis ?? own;
  const setRtt = (v: RttChoice) => {
    setOwn(v);
    if (axis !== null) setAxis(v);
  };
  const t = useMemo(() => timeline(run), [run]);
  const [others, setOthers] = useState<Record<string, Timeline | null>>({});
  // The comparison runs: same seed and server settings, the four ways to connect.
  useEffect(() => {
    let live = true;
    setOthers({});
    const base: Scenario = { ...scenario, fault: 'none', mutual: false, helloRetry: false, resumption: false, earlyData: false, cipherSuite: undefined };
    for (const c of COMPARE) {
      const s: Scenario = { ...base, ...c.patch };
      if (s.version === 'TLS 1.2' && s.serverKeyType === 'ed25519') s.serverKeyType = 'ecdsa-p256';
      void runAside(s).then((events) => {
        if (live) setOthers((o) => ({ ...o, [c.id]: events ? timeline(buildRunView(events)) : null }));
      });
    }
    return () => {
      live = false;
    };
    // Only what changes the four comparison runs starts them again (not the fault, the version…).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scenario.seed, scenario.serverKeyType, scenario.group, scenario.serverName]);

  return (
    <div className="time-panel" data-testid="time-panel">
      <section className="card">
        <h3>This run in time</h3>
        <label className="small">
          Round-trip time{' '}
          <select value={rtt} onChange={(e) => setRtt(Number(e.target.value) as RttChoice)} aria-label="Round-trip time">
            {RTT_CHOICES.map((r) => (
              <option key={r} value={r}>
                {r} ms
              </option>
            ))}
          </select>
          {axis !== null && ' (the diagram’s Time axis uses the same)'}
        </label>
        <p className="small" data-testid="time-summary">
          Each record takes half a round trip ({rtt / 2} ms) to cross; a side sends as soon as it has read what it needs.{' '}
          {t.requestSent !== undefined ? `The client's request leaves at ${ms(t.requestSent, rtt)} (${rtts(t.requestSent)}). ` : 'The client never sends its request in this run. '}
          {t.firstByte !== undefined ? `The first byte of the response arrives at ${ms(t.firstByte, rtt)} (${rtts(t.firstByte)}).` : 'No response arrives.'}
        </p>
        <TimeDiagram t={t} rtt={rtt} cursor={cursor} />
      </section>
      <section className="card">
        <h3>Time to first byte, side by side (seed {scenario.seed})</h3>
        <table className="ttfb-table" data-testid="ttfb-table">
          <thead>
            <tr>
              <th>Connection</th>
              <th>request leaves</th>
              <th>first byte arrives</th>
            </tr>
          </thead>
          <tbody>
            {COMPARE.map((c) => {
              const o = others[c.id];
              return (
                <tr key={c.id} data-row={c.id}>
                  <th scope="row">{c.label}</th>
                  <td>{o === undefined ? '…' : o?.requestSent === undefined ? '—' : `${ms(o.requestSent, rtt)} (${rtts(o.requestSent)})`}</td>
                  <td>{o === undefined ? '…' : o?.firstByte === undefined ? '—' : `${ms(o.firstByte, rtt)} (${rtts(o.firstByte)})`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="small muted" data-testid="ttfb-note">
          {compareNote(others)}
        </p>
      </section>
      <Compare scenario={scenario} rtt={rtt} t={t} />
    </div>
  );
}
