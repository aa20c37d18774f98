/**
 * The sequence diagram panel: a summary line (version, suite, round trips), the time-axis
 * choice and the export buttons over the d3 SVG. It redraws from the store whenever the
 * cursor, the run, the selection, the width or the axis changes.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useCaptureStore } from '../capture/capture';
import { useAppStore } from '../store';
import { currentStates, visibleCount, type RunView } from '../store/derive';
import { realPeerOf } from '../narration/narrate';
import { timeline } from '../timing/model';
import { ExportButtons } from './ExportButtons';
import { TimeAxisControl } from './TimeAxisControl';
import { summaryBadges, type Badge } from './badges';
import { diagramHeight, drawDiagram, drawHeader, HEADER, prewarmLabels } from './draw';

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Why the time axis does not apply to this run, or null: timeline() models two state machines
 * that report what they read; a capture has its own measured times (on its flights), and a
 * real peer does not report when it read what.
 */
function timeAxisUnavailable(run: RunView, capture: boolean): string | null {
  if (capture) return 'A capture has its own times (on its flights): the time axis models a run of the two state machines';
  const peer = realPeerOf(run);
  if (peer) return `The real ${peer.side} does not report when it read each record, so its records cannot be placed in time`;
  return null;
}

export function SequenceDiagram() {
  const run = useAppStore((s) => s.run);
  const cursor = useAppStore((s) => s.cursor);
  const selectedId = useAppStore((s) => s.selectedRecordId);
  const speed = useAppStore((s) => s.speed);
  const status = useAppStore((s) => s.status);
  const largeType = useAppStore((s) => s.largeType);
  const timeAxis = useAppStore((s) => s.timeAxis);
  const svgRef = useRef<SVGSVGElement>(null);
  const headRef = useRef<SVGSVGElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  const lastDrawn = useRef<{ run: unknown; cursor: number }>({ run: null, cursor: 0 });

  // The scroll box's height and scroll position, kept up to date by observers so a step never
  // has to read them (a read right after React's commit forces an extra layout).
  const view = useRef({ height: 0, top: 0 });
  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = () => {
      view.current.height = el.clientHeight;
      setWidth(Math.max(360, Math.floor(el.clientWidth) - 2));
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    const onScroll = () => {
      view.current.top = el.scrollTop;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    measure();
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, []);

  const count = visibleCount(run, cursor);
  const visible = useMemo(() => run.arrows.filter((a) => a.step <= cursor), [run, cursor]);
  const states = useMemo(() => currentStates(run.events, count), [run, count]);
  // Each verification report so far, pinned to the arrow that carried the checked chain.
  const captureTimes = useCaptureStore((s) => s.active);
  const unavailable = timeAxisUnavailable(run, captureTimes);
  const time = useMemo(() => (timeAxis && !unavailable ? { timeline: timeline(run), rtt: timeAxis } : undefined), [run, timeAxis, unavailable]);
  const certChecks = useMemo(() => {
    const out = new Map<string, boolean>();
    for (let i = 0; i < count; i++) {
      const e = run.events[i];
      // The engine names the record that carried the checked chain.
      if (e?.type === 'cert-report' && e.recordId !== undefined) out.set(e.recordId, e.report.ok);
    }
    return out;
  }, [run, count]);

  // Measure the new run's labels while the page is idle, not on the step that first shows them.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || run.arrows.length === 0) return;
    const idle = window.requestIdleCallback ?? ((cb: () => void) => window.setTimeout(cb, 50));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    const states = [...new Set(run.events.flatMap((e) => (e.type === 'state' ? [e.from, e.to] : [])))];
    const id = idle(() => prewarmLabels(svg, run.arrows, states));
    return () => cancel(id);
  }, [run, largeType]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    if (headRef.current) drawHeader(headRef.current, width, states);
    const prev = lastDrawn.current;
    // Travel only when stepping forward by one step in the same run.
    const animateAfterStep = prev.run === run && cursor === prev.cursor + 1 ? prev.cursor : cursor;
    lastDrawn.current = { run, cursor };
    const lastY = drawDiagram(svg, {
      arrows: visible,
      total: run.arrows.length,
      flights: run.flights,
      width,
      states,
      selectedId,
      animateAfterStep,
      durationMs: prefersReducedMotion() ? 0 : 550 / Math.max(0.5, speed),
      certChecks,
      captureTimes,
      time,
      onSelect: (id) => {
        const st = useAppStore.getState();
        st.select(id);
        st.setTab('inspector');
      },
    });
    // Keep the newest arrow in view. Scrolling needs an up-to-date layout: asked for at the
    // next frame, it uses the layout that frame makes anyway instead of forcing one here.
    const wrap = wrapRef.current;
    if (wrap && lastY !== null && cursor !== prev.cursor) {
      const y = lastY;
      const { top, height } = view.current;
      if (y + 60 > top + height || y - 60 < top) {
        const behavior = prefersReducedMotion() ? 'auto' : 'smooth';
        requestAnimationFrame(() => wrap.scrollTo({ top: Math.max(0, y - height / 2), behavior }));
      }
    }
  }, [run, cursor, visible, width, states, selectedId, speed, largeType, certChecks, captureTimes, time]);

  const { badges } = useMemo(() => summaryBadges(run, cursor), [run, cursor]);
  // The whole run's badges (and a space as wide as the tools), laid out unseen under the
  // current ones, so the line keeps the height it will need by the end of the run and the
  // diagram below it does not move when a step adds a badge that wraps.
  const { badges: finalBadges } = useMemo(() => summaryBadges(run, run.stepEnds.length), [run]);
  return (
    <div className="diagram">
      <div className="diagram-summary">
        <div className="badges reserve" aria-hidden="true">
          <Badges badges={finalBadges} unseen />
          <span className="diagram-tools" />
        </div>
        <div className="badges" data-testid="diagram-summary">
          <Badges badges={badges} />
          {status === 'done' && run.arrows.length === 0 && <span>No records were sent.</span>}
          <span className="diagram-tools">
            <TimeAxisControl unavailable={unavailable} />
            <ExportButtons />
          </span>
        </div>
      </div>
      <svg ref={headRef} className="seq seq-head" height={HEADER} aria-label="Each side's current state" />
      <div className="diagram-scroll" ref={wrapRef}>
        <svg ref={svgRef} className="seq" role="group" aria-label="Sequence diagram: records between client and server" height={diagramHeight(run.arrows.length)} />
      </div>
    </div>
  );
}

/** The summary's badges; `unseen` (the reserve) without the test ids, which name what is shown. */
function Badges({ badges, unseen = false }: { badges: Badge[]; unseen?: boolean }) {
  return badges.map((b, i) =>
    b.kind === 'version' ? (
      <strong key={i}>{b.text}</strong>
    ) : (
      <span key={i} className={b.kind === 'detail' ? undefined : b.kind} data-testid={b.kind === 'detail' || unseen ? undefined : b.kind}>
        {b.text}
      </span>
    ),
  );
}
