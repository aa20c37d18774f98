/**
 * Text measurement and cheap DOM writes for the sequence diagram: the diagram's font (read
 * once per font change, since reading it forces a style recalculation), label widths from
 * canvas metrics (cached; no layout), and setters that touch an element only when its value
 * changes — a write of an unchanged SVG attribute still invalidates style, layout and paint.
 */
import { select, type Selection } from 'd3';
import type { Arrow } from '../store/derive';

let measureCtx: CanvasRenderingContext2D | null = null;
const widths = new Map<string, number>();
let measureFont = '';

/** The rendered width of `text` in `font` (canvas metrics, cached: labels repeat on every step). */
export function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  const known = widths.get(key);
  if (known !== undefined) return known;
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * 7;
  // The context normalizes what it is given, so remember what we set (setting it is costly).
  if (measureFont !== font) {
    measureCtx.font = font;
    measureFont = font;
  }
  const w = measureCtx.measureText(text).width;
  if (widths.size > 4000) widths.clear();
  widths.set(key, w);
  return w;
}

export interface DiagramFont {
  /** Identifies the font: a layout made for another key is stale. */
  key: string;
  px: number;
  family: string;
}

let fontCache: DiagramFont | undefined;
/**
 * The diagram's font size and family. Reading them forces a style recalculation right after
 * React's commit, so they are read again only when something that can change them does (the
 * Large type and Presentation classes, the colour scheme class, the window width).
 */
export function fontOf(svg: SVGSVGElement): DiagramFont {
  const key = `${document.documentElement.className}|${window.innerWidth}`;
  if (fontCache?.key !== key) {
    const style = getComputedStyle(svg);
    fontCache = { key, px: Number.parseFloat(style.fontSize) || 13, family: style.fontFamily };
  }
  return fontCache;
}

export const stateFont = (px: number, family: string): string => `${px * 0.85}px ${family}`;
export const labelFont = (f: DiagramFont): string => `600 ${f.px}px ${f.family}`;
export const smallLabelFont = (f: DiagramFont): string => `600 ${f.px * 0.9}px ${f.family}`;
export const keyFont = (f: DiagramFont): string => `${f.px * 0.8}px ${f.family}`;

/** Short form of a key name for the label under a protected arrow. */
export function keyShort(name: string): string {
  return name.replace(/_secret$/, '').replace(/_/g, ' ');
}

/** The strings a label may be drawn as: the messages split in two at k, for each k. */
export function labelSplits(d: Arrow): string[][] {
  const out: string[][] = [];
  for (let k = 1; k < d.messages.length; k++) out.push([`${d.messages.slice(0, k).join(' + ')} +`, d.messages.slice(k).join(' + ')]);
  return out;
}

/**
 * Measures every label of a run ahead of time (call when idle): the first measurement of a
 * string in a font is what costs, and it would otherwise fall on the step that shows it.
 */
export function prewarmLabels(svg: SVGSVGElement, arrows: readonly Arrow[], states: readonly string[]): void {
  const f = fontOf(svg);
  for (const s of states) textWidth(s, stateFont(f.px, f.family));
  for (const d of arrows) {
    textWidth(d.label, labelFont(f));
    textWidth(d.label, smallLabelFont(f)); // on the time axis, a long label is set smaller in one line
    for (const lines of labelSplits(d)) for (const l of lines) textWidth(l, smallLabelFont(f));
    if (d.keyName) textWidth(`key: ${keyShort(d.keyName)}`, keyFont(f));
  }
}

/** Sets an attribute only when it changes (null removes it). */
export function setAttr(el: Element, name: string, value: string | number | null): void {
  const v = value === null ? null : String(value);
  if (el.getAttribute(name) === v) return;
  if (v === null) el.removeAttribute(name);
  else el.setAttribute(name, v);
}

/** setAttr for each of `attrs`: `setAttrs(t, { x: 1, 'text-anchor': 'end' })`. */
export function setAttrs(el: Element, attrs: Readonly<Record<string, string | number | null>>): void {
  for (const name in attrs) setAttr(el, name, attrs[name]!);
}

/** Sets each element's text only when it changes (d3's .text() always replaces the node). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function setText<D>(sel: Selection<any, D, any, unknown>, text: (d: D) => string): void {
  sel.each(function (this: Element, d: D) {
    const v = text(d);
    if (this.textContent !== v) this.textContent = v;
  });
}

/**
 * Short lines of text at (x, y): with `up`, the last line at y and the ones before it stacked
 * above; otherwise the first at y and the others below. Rewritten only when they change.
 */
export function setLines(el: SVGTextElement, lines: readonly string[], x: number, up: boolean): void {
  const key = `${lines.join('\n')}|${x}|${up}`;
  if (el.getAttribute('data-lines') === key) return;
  el.setAttribute('data-lines', key);
  const t = select(el);
  t.text(null);
  lines.forEach((l, i) =>
    t
      .append('tspan')
      .attr('x', x)
      .attr('dy', i === 0 ? (up ? `${-(lines.length - 1) * 1.1}em` : '0') : '1.1em')
      .text(l),
  );
}
