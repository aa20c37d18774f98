/**
 * How many of the diagram's records are in flight (a dot riding its arrow), and a way to hear
 * when the last one has landed. The diagram's travel counts its dots here; the text panels
 * (after-paint.ts) wait for the landing before they follow a step.
 */

let flying = 0;
const waiting = new Set<() => void>();

/** A dot has set off; call the returned function (once) when it has landed or was cut short. */
export function takeOff(): () => void {
  flying++;
  let landed = false;
  return () => {
    if (landed) return;
    landed = true;
    flying--;
    if (flying > 0) return;
    const now = [...waiting];
    waiting.clear();
    for (const f of now) f();
  };
}

/** Whether any dot is in flight now. */
export function inFlight(): boolean {
  return flying > 0;
}

/** Calls `f` once when no dot is in flight any more (not at once if none is); returns a cancel. */
export function onLanded(f: () => void): () => void {
  waiting.add(f);
  return () => void waiting.delete(f);
}
