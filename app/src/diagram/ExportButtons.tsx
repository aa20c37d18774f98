/** Export the diagram as drawn (every arrow so far, in rows or on the time axis) as SVG or PNG, named after the run. */
import { useState } from 'react';
import { useAppStore } from '../store';
import { diagramSvg, download, svgToPng } from './export';

function current(): { svg: string; width: number; height: number; name: string } | null {
  const head = document.querySelector<SVGSVGElement>('svg.seq-head');
  const body = document.querySelector<SVGSVGElement>('.diagram-scroll svg.seq');
  if (!head || !body) return null;
  const { scenario, cursor, run, timeAxis } = useAppStore.getState();
  // The time axis as drawn (it is not drawn for a run it does not apply to).
  const rtt = body.querySelector('g.time-axis g.moment') ? timeAxis : null;
  const axis = rtt ? `, time axis at ${rtt} ms RTT` : '';
  const title = `TLS Lab: ${scenario.version} handshake, seed ${scenario.seed}, step ${cursor} of ${run.stepEnds.length}${axis}`;
  const svg = diagramSvg(head, body, title);
  const width = body.width.baseVal.value;
  const height = head.height.baseVal.value + body.height.baseVal.value;
  const name = `tlslab-${scenario.version === 'TLS 1.2' ? 'tls12' : 'tls13'}-${scenario.seed}-step${cursor}${rtt ? `-rtt${rtt}` : ''}`;
  return { svg, width, height, name };
}

export function ExportButtons() {
  const [problem, setProblem] = useState<string | null>(null);
  const cursor = useAppStore((s) => s.cursor);
  const disabled = cursor === 0;
  return (
    <span className="export-buttons" role="group" aria-label="Export the diagram">
      <button
        type="button"
        disabled={disabled}
        title="Download the diagram as drawn (SVG, for slides and notes)"
        onClick={() => {
          const c = current();
          if (c) download(`${c.name}.svg`, new Blob([c.svg], { type: 'image/svg+xml' }));
        }}
      >
        SVG
      </button>
      <button
        type="button"
        disabled={disabled}
        title="Download the diagram as drawn (PNG at twice the screen size)"
        onClick={() => {
          const c = current();
          if (!c) return;
          setProblem(null);
          svgToPng(c.svg, c.width, c.height).then(
            (png) => download(`${c.name}.png`, png),
            (e: unknown) => setProblem(e instanceof Error ? e.message : String(e)),
          );
        }}
      >
        PNG
      </button>
      {problem && (
        <span className="bad small" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
