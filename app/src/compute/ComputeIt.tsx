/**
 * "Compute it yourself": a fold-out under a secret or a protected record with the Node, Python
 * and openssl commands that reproduce its value from this run's numbers (each with a copy
 * button and the value it prints).
 */
import { useState } from 'react';
import type { Recipe, Tool } from './recipes';

const TOOL_NAMES: Record<Tool, string> = { node: 'Node', python: 'Python', openssl: 'openssl' };

function Copy({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="copy"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1200);
        });
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

export function ComputeIt({ recipes, what }: { recipes: Recipe[]; what: string }) {
  if (recipes.length === 0) return null;
  return (
    <details className="compute" data-testid="compute-it">
      <summary>Compute it yourself</summary>
      <p className="small muted">
        Run one of these in a terminal: it prints {what} from this run’s values, <code className="bytes">{recipes[0]!.expect.slice(0, 24)}…</code>
        {recipes[0]!.note && <> · {recipes[0]!.note}</>}
      </p>
      {recipes.map((r, i) => (
        <div className="recipe" key={i} data-tool={r.tool}>
          <div className="recipe-head">
            <strong>{TOOL_NAMES[r.tool]}</strong>
            {r.tool !== 'node' && r.note && <span className="muted small"> · {r.note}</span>}
            <Copy text={r.command} />
          </div>
          <pre className="cmd">{r.command}</pre>
        </div>
      ))}
    </details>
  );
}
