/**
 * The cursor for the heavier side panels (inspector, keys, certificates): it follows the
 * store's cursor once the step's own frame is on screen. A step changes the diagram, the
 * narration and the controls at once; the side panel re-renders two frames later, so its
 * render, style, layout and raster do not share the step's frame (or the two cores its raster
 * runs on). The update is a transition, so a newer step interrupts it.
 */
import { startTransition, useEffect, useState } from 'react';
import { useAppStore } from './index';

/** When rAF does not run (a hidden tab), the panel still follows within this time. */
const FALLBACK_MS = 120;

export function useCursorAfterPaint(): number {
  const cursor = useAppStore((s) => s.cursor);
  const [shown, setShown] = useState(cursor);
  useEffect(() => {
    if (shown === cursor) return;
    let raf = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const show = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(raf);
      clearTimeout(timer);
      startTransition(() => setShown(cursor));
    };
    // The first frame presents the step; after the second frame's work, the panel follows.
    raf = requestAnimationFrame(() => {
      raf = requestAnimationFrame(() => {
        timer = setTimeout(show, 0);
      });
    });
    const fallback = setTimeout(show, FALLBACK_MS);
    return () => {
      done = true;
      cancelAnimationFrame(raf);
      clearTimeout(timer);
      clearTimeout(fallback);
    };
  }, [cursor, shown]);
  return shown;
}
