/**
 * The run on show as the text panels see it: the store's run and cursor (with the run's status
 * and summary, and the selected record), taken together a frame after they change.
 *
 * A step's click paints what the step is about first: the diagram's new arrow and the step
 * counter. The narration, the inspector, the keys and the certificates, whose rendering and
 * layout cost several times the diagram's, follow once that frame has been drawn and the step's
 * record has landed (its dot's flight: 550 ms at 1×; in-flight.ts). Rendered in the click's own
 * frame, or in a React transition (which runs right after the click, while its frame is still
 * being rastered on a two-core machine's other core), they made the click's frame late:
 * bench:app's step → painted. Rendered a frame or two after the click while the dot was still
 * moving, they made the next clicks' frames late instead: once a frame of the page's came in
 * after the display had drawn without it, Chromium showed every later frame one vsync late for
 * as long as frames kept coming, which quick steps (each starting a new flight) made the whole
 * pass. Steps taken quicker than a flight are caught up with the last one when it lands.
 *
 * The values always come from one store state, so a panel never shows one run's text at another
 * run's cursor, or another run's record under a selection made with the new run.
 */
import { useEffect, useState } from 'react';
import { useAppStore, type AppState } from './index';
import { inFlight, onLanded } from './in-flight';

export interface ShownRun {
  run: AppState['run'];
  cursor: number;
  status: AppState['status'];
  summary: AppState['summary'];
  selectedRecordId: AppState['selectedRecordId'];
}

function pick(s: AppState): ShownRun {
  return { run: s.run, cursor: s.cursor, status: s.status, summary: s.summary, selectedRecordId: s.selectedRecordId };
}

function same(a: ShownRun, b: ShownRun): boolean {
  return a.run === b.run && a.cursor === b.cursor && a.status === b.status && a.summary === b.summary && a.selectedRecordId === b.selectedRecordId;
}

/** The run, cursor and selection on show, a frame or two behind the store (see the file's comment). */
export function useShownRun(): ShownRun {
  const [shown, setShown] = useState(() => pick(useAppStore.getState()));
  useEffect(() => {
    let frame = 0;
    let timer = 0;
    let fallback = 0;
    let stopWaiting: (() => void) | null = null;
    const clear = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      clearTimeout(fallback);
      stopWaiting?.();
      frame = timer = fallback = 0;
      stopWaiting = null;
    };
    const update = () => {
      clear();
      setShown((old) => {
        const next = pick(useAppStore.getState());
        return same(old, next) ? old : next;
      });
    };
    // Once the step's record has landed: a task after the landing's frame.
    const afterLanding = () => {
      clearTimeout(fallback);
      fallback = 0;
      if (!inFlight()) {
        update();
        return;
      }
      stopWaiting = onLanded(() => {
        stopWaiting = null;
        timer = window.setTimeout(update, 0);
      });
    };
    // What changed between this component's first render and now.
    update();
    const unsubscribe = useAppStore.subscribe((s, prev) => {
      if (frame || timer || fallback || stopWaiting || same(pick(s), pick(prev))) return;
      // After the frame that shows the change has been drawn: the next frame's rAF, then a task
      // once that frame's main-thread work is done (one rAF is too soon: it is the click's own
      // frame, still being rastered on the other core); and if the step sent a record on its
      // way, once it has landed. A page that draws no frames (a hidden tab) catches up by the
      // fallback.
      frame = requestAnimationFrame(() => {
        frame = requestAnimationFrame(() => {
          frame = 0;
          timer = window.setTimeout(() => {
            timer = 0;
            afterLanding();
          }, 0);
        });
      });
      fallback = window.setTimeout(update, 250);
    });
    return () => {
      unsubscribe();
      clear();
    };
  }, []);
  return shown;
}
