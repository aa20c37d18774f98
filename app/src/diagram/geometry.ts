/**
 * Where things go in the sequence diagram: the lifelines' x, each row's y (one row per
 * record), the heights of the head and of the scrolling body, and the scale of the time axis
 * (time-layout.ts places the records on it). Pure numbers, no DOM.
 */
import type { TimeGeometry } from './time-layout';

export const TOP = 10;
/** Row height: room for a two-line label above an arrow and the key's name below it. */
export const ROW = 64;
/** How far an arrow drops from its sender to its receiver (it travels in time). */
export const SLOPE = 16;
/** The non-scrolling head: the "Client" and "Server" boxes and each side's state. */
export const HEADER = 64;
/** The left margin's flight labels start here ("Flight 2", "round trip 1", a capture time). */
export const MARGIN_LABEL_X = 12;

export function lifelineX(width: number): { client: number; server: number } {
  return { client: 120, server: Math.max(300, width - 110) };
}

export function rowY(index: number): number {
  return TOP + 26 + index * ROW;
}

export function diagramHeight(total: number): number {
  return TOP + 26 + Math.max(total, 1) * ROW + 20;
}

/** The y of the n-th (0-based) label line of a flight band whose first row is `first`. */
export function flightLabelY(first: number, line: number): number {
  return rowY(first) - ROW / 2 + 14 + line * 16;
}

/** The time axis's caption (two lines) sits above time 0. */
export const TIME_CAPTION_Y = 16;

/**
 * The time axis for a font of `px`: two records of one moment are two lines apart (so each
 * label fits between its slanted arrow and the one above), and half a round trip is four of
 * those, so the time between moments stays the larger part of the drawing.
 */
export function timeGeometry(px: number): TimeGeometry {
  const gap = Math.round(px * 2);
  return { top: TOP + 50, pxPerRtt: 8 * gap, gap, bottom: 40 };
}
