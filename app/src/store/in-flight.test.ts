import { describe, expect, it, vi } from 'vitest';
import { inFlight, onLanded, takeOff } from './in-flight';

describe('in-flight', () => {
  it('tells the waiters once, when the last dot has landed', () => {
    const heard = vi.fn();
    expect(inFlight()).toBe(false);
    const a = takeOff();
    const b = takeOff();
    onLanded(heard);
    a();
    a(); // a second landing of the same dot counts once
    expect(inFlight()).toBe(true);
    expect(heard).not.toHaveBeenCalled();
    b();
    expect(inFlight()).toBe(false);
    expect(heard).toHaveBeenCalledTimes(1);
    // Heard once: a later flight's landing does not call it again.
    takeOff()();
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('a cancelled wait is not told', () => {
    const heard = vi.fn();
    const land = takeOff();
    const cancel = onLanded(heard);
    cancel();
    land();
    expect(heard).not.toHaveBeenCalled();
  });
});
