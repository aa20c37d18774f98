/** The narration card: what the current step did and why, with the RFC section to read. */
import { useMemo } from 'react';
import { useShownRun } from '../store/after-paint';
import { visibleCount } from '../store/derive';
import { rfcLink } from '../format';
import { narrate } from './narrate';

export function Narration() {
  // A frame behind the diagram (after-paint.ts).
  const { run, cursor, status, summary } = useShownRun();
  const count = visibleCount(run, cursor);
  const { parts, outcome } = useMemo(() => narrate(run, cursor, status, summary), [run, cursor, status, summary]);

  const stepStart = cursor <= 1 ? 0 : (run.stepEnds[cursor - 2] ?? -1) + 1;
  const stepEvents = run.events.slice(stepStart, count);
  const newSecrets = stepEvents.filter((e) => e.type === 'secret');
  const notes = stepEvents.filter((e) => e.type === 'note');
  const reports = stepEvents.filter((e) => e.type === 'cert-report');
  const moves = stepEvents.filter((e) => e.type === 'state');
  const timings = stepEvents.filter((e) => e.type === 'timing');

  return (
    <section className="narration" aria-live="polite" aria-label="Narration" data-testid="narration" data-step={cursor}>
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
      {outcome && (
        <p className={outcome.ok ? 'small good' : 'small bad'} data-testid="outcome">
          Outcome: {outcome.text}
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
      {notes.map((n, i) =>
        n.type === 'note' ? (
          <p key={i} className="small note">
            Note ({n.side}): {n.text}
          </p>
        ) : null,
      )}
    </section>
  );
}
