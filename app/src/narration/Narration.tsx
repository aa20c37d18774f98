/** The narration card: what the current step did and why, with the RFC section to read. */
import { useMemo } from 'react';
import { useAppStore } from '../store';
import { negotiated, visibleCount } from '../store/derive';
import { rfcLink } from '../format';
import { runSetup, stepFacts } from '../store/facts';
import { explainAlert, explainAppData, explainEarlyData, MESSAGES, type Explanation } from './texts';

export function Narration() {
  const run = useAppStore((s) => s.run);
  const cursor = useAppStore((s) => s.cursor);
  const status = useAppStore((s) => s.status);
  const summary = useAppStore((s) => s.summary);
  // Before anything is negotiated (a ClientHello refused at once), the version asked for.
  const askedVersion = useAppStore((s) => s.scenario.version);
  const offersTicket = useAppStore((s) => !!s.scenario.resumption);
  const count = visibleCount(run, cursor);
  const realPeer = useMemo(() => {
    for (const e of run.events) if (e.type === 'note' && e.realPeer) return e.realPeer;
    return undefined;
  }, [run]);
  // "Both sides closed cleanly" only when both close_notify alerts are in the log.
  const bothClosed = useMemo(() => {
    const closeBy = (side: 'client' | 'server') =>
      run.events.some((e) => e.type === 'alert' && e.description === 'close_notify' && ((e.side === side && e.direction === 'sent') || (e.side !== side && e.direction === 'received')));
    return closeBy('client') && closeBy('server');
  }, [run]);
  const params = useMemo(() => negotiated(run.events, run.events.length), [run]);

  const arrow = run.arrows.find((a) => a.step === cursor);
  const stepStart = cursor <= 1 ? 0 : (run.stepEnds[cursor - 2] ?? -1) + 1;
  const stepEvents = run.events.slice(stepStart, count);
  const newSecrets = stepEvents.filter((e) => e.type === 'secret');
  const notes = stepEvents.filter((e) => e.type === 'note');
  const reports = stepEvents.filter((e) => e.type === 'cert-report');
  const moves = stepEvents.filter((e) => e.type === 'state');
  const timings = stepEvents.filter((e) => e.type === 'timing');

  let parts: Explanation[] = [];
  if ((status === 'error' || status === 'done') && run.arrows.length === 0) {
    parts = [
      {
        title: 'No handshake to show',
        text: 'The engine could not compute a handshake for these settings; the message above says why. Change a setting or press "New handshake".',
        rfc: 'RFC 8446 §2',
      },
    ];
  } else if (cursor === 0) {
    parts = [
      {
        title: status === 'running' ? (realPeer ? 'Talking to a real peer…' : 'Computing a handshake…') : 'Ready',
        text: realPeer
          ? `TLS Lab's ${realPeer.side === 'server' ? 'client' : 'server'} (a real TLS state machine, running in your browser) and a real ${realPeer.side}${realPeer.address ? ` at ${realPeer.address}` : ''} exchanged the records below through tlslab relay. The ${realPeer.side}'s records are the bytes that arrived; what it computed inside is not known here. Press ▶ (or space) to watch it, or → to go one record at a time.`
          : 'A client and a server (two real TLS state machines, running in your browser) have just run a handshake with real cryptography. Press ▶ (or space) to watch it, or → to go one record at a time. Click any arrow to see its bytes.',
        rfc: 'RFC 8446 §2',
      },
    ];
  } else if (arrow) {
    const ctx = {
      from: arrow.from,
      version: params.client?.version ?? params.server?.version ?? askedVersion,
      keyExchange: params.server?.keyExchange ?? params.client?.keyExchange,
      offersTicket: offersTicket,
      resumed: params.client?.resumed === true,
      sni: runSetup(run.events)?.serverName,
    };
    const afterData = run.arrows.some((a) => a.appdata && a.index < arrow.index);
    if (arrow.alert) parts.push(explainAlert(arrow.alert.description, arrow.from, ctx.version, afterData, arrow.alert.reason));
    else if (arrow.appdata && arrow.keyName === 'client_early_traffic_secret')
      parts.push(explainEarlyData(params.client?.earlyData === undefined ? undefined : params.client.earlyData === 'accepted'));
    else if (arrow.appdata) parts.push(explainAppData(arrow.from, ctx.version, arrow.phase, arrow.dataFlight));
    else if (arrow.changeCipherSpec) parts.push(MESSAGES.ChangeCipherSpec!(ctx));
    else
      for (const m of arrow.messages) {
        let name = m.replace(/ \(fragment\)$/, '');
        if (name === 'ClientHello' && run.arrows.some((a) => a.index < arrow.index && a.messages.includes('HelloRetryRequest'))) name = 'ClientHello (retry)';
        const entry = MESSAGES[name];
        if (entry) parts.push(entry(ctx));
      }
    // What the engine reports about this step in so many words (faults, master secret, ...).
    parts.push(...stepFacts(stepEvents, arrow, run.events));
  }
  return (
    <section className="narration" aria-live="polite" aria-label="Narration" data-testid="narration">
      {parts.map((p, i) => {
        const link = rfcLink(p.rfc);
        const body = (
          <p>
            {p.text}{' '}
            {link && (
              <a href={link} target="_blank" rel="noreferrer noopener">
                {p.rfc}
              </a>
            )}
          </p>
        );
        // Several messages in one record: the first is told in full, the others one click away.
        return i === 0 ? (
          <div key={i} className="explain">
            <h2>{p.title}</h2>
            {body}
          </div>
        ) : (
          <details key={i} className="explain more">
            <summary>{p.title}</summary>
            {body}
          </details>
        );
      })}
      {cursor > 0 && cursor === run.stepEnds.length && summary && (
        <p className={summary.ok ? 'small good' : 'small bad'} data-testid="outcome">
          Outcome: {summary.ok ? `handshake complete, request answered${bothClosed ? ', both sides closed cleanly' : ''}.` : `${summary.alert ? `${summary.alert} — ` : ''}${summary.error ?? 'failed'}`}
        </p>
      )}
      {moves.length > 0 && (
        <p className="small muted" data-testid="state-moves">
          {moves.map((m, i) =>
            m.type === 'state' ? (
              <span key={i} className="move">
                {m.side}: {m.from} → {m.to}
                {i < moves.length - 1 ? ' · ' : ''}
              </span>
            ) : null,
          )}
        </p>
      )}
      {newSecrets.length > 0 && (
        <details className="small">
          <summary>
            {newSecrets.length} secret{newSecrets.length === 1 ? '' : 's'} derived in this step (see the Keys tab)
          </summary>
          {newSecrets.map((s, i) => (
            <span key={i} className="secret-chip">
              {s.type === 'secret' ? `${s.name} (${s.side})` : ''}
            </span>
          ))}
        </details>
      )}
      {reports.map((r, i) =>
        r.type === 'cert-report' ? (
          <p key={i} className={r.report.ok ? 'small good' : 'small bad'}>
            The {r.side} checked the {r.side === 'client' ? "server's" : "client's"} certificate chain: {r.report.ok ? 'valid' : 'rejected'} — {r.report.verdict}
          </p>
        ) : null,
      )}
      {timings.length > 0 && (
        <p className="small muted">
          Time spent:{' '}
          {timings.map((t, i) =>
            t.type === 'timing' ? (
              <span key={i}>
                {i > 0 && ' · '}
                {t.side} {t.what} {t.ms.toFixed(1)} ms
              </span>
            ) : null,
          )}
        </p>
      )}
      {notes.map((n, i) => (n.type === 'note' ? <p key={i} className="small note">Note ({n.side}): {n.text}</p> : null))}
    </section>
  );
}
