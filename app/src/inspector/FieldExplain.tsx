/**
 * The explanation beside a field tree: what the focused (or last hovered) field is, why it is
 * there and what its value in this run means.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ByteSpan } from '../store/derive';
import { negotiated } from '../store/derive';
import { useAppStore, type Hover } from '../store';
import { ancestorsOf } from './record-spans';
import { explainField, extensionOf, messageOf, type Explanation } from './explain';
import type { CertCheckEvent } from '../store/derive';

/** An explanation for a span of another kind of buffer (a certificate's DER), with the checks that used it. */
export type SpanExplainer = (span: ByteSpan, ancestors: ByteSpan[]) => Explanation & { checks?: CertCheckEvent['check'][] };

export function FieldExplain({ spans, space, explain }: { spans: readonly ByteSpan[]; space: Hover['space']; explain?: SpanExplainer }) {
  const hover = useAppStore((s) => (s.hover?.space === space ? s.hover : null));
  const run = useAppStore((s) => s.run);
  const asked = useAppStore((s) => s.scenario.version);
  const version = useMemo(() => {
    const n = negotiated(run.events, run.events.length);
    return n.client?.version ?? n.server?.version ?? asked;
  }, [run, asked]);
  // Keep the last field explained while the pointer travels to read it.
  const [shown, setShown] = useState<ByteSpan | null>(null);
  useEffect(() => setShown(null), [spans]);
  useEffect(() => {
    if (!hover) return;
    const s = spans.find((x) => x.start === hover.start && x.end === hover.end && x.label === hover.label);
    if (s) setShown(s);
  }, [hover, spans]);
  if (!shown) {
    return (
      <div className="explain-field empty" data-space={space}>
        Point at a field (or Tab into the tree and use the arrow keys) to see what it is, why it is there and what its value means in this run.
      </div>
    );
  }
  const ancestors = ancestorsOf(spans, shown);
  const e: ReturnType<SpanExplainer> = explain ? explain(shown, ancestors) : explainField({ span: shown, ancestors, version });
  const msg = messageOf({ span: shown, ancestors });
  const ext = extensionOf({ ancestors });
  return (
    <div className="explain-field" data-space={space} data-label={shown.label} aria-live="polite" data-testid="field-explanation">
      <div className="explain-path muted small">{[msg, ext && ext !== shown.value ? `extension ${ext}` : undefined].filter(Boolean).join(' › ')}</div>
      <h4>
        <code>{shown.label}</code>
        {shown.label === 'extension' && <span> {String(shown.value ?? '')}</span>}
      </h4>
      <p>{e.what}</p>
      {e.why && (
        <p>
          <strong>Why: </strong>
          {e.why}
        </p>
      )}
      {e.value && (
        <p data-testid="field-value-meaning">
          <strong>In this run: </strong>
          {e.value}
        </p>
      )}
      {e.checks && e.checks.length > 0 && (
        <div data-testid="field-checks">
          <strong>Checked: </strong>
          <ul className="used-by">
            {e.checks.map((c, i) => (
              <li key={i} className={c.pass ? 'good' : 'bad'}>
                {c.pass ? '✓' : '✗'} {c.title} — {c.compared} <span className="muted">({c.rfc})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
