/**
 * The diagram as a file, for slides and notes: the lifeline heads and every arrow drawn so far,
 * as one standalone SVG (styles inlined, since the page's CSS variables do not travel) or as a
 * PNG rendered from that SVG.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The presentation properties that make the diagram look as it does on screen. */
const PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

function inlineStyles(source: Element, target: Element): void {
  const cs = getComputedStyle(source);
  const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
  target.setAttribute('style', style);
  target.removeAttribute('class');
  target.removeAttribute('tabindex');
  target.removeAttribute('role');
  target.removeAttribute('focusable');
  const from = source.children;
  const to = target.children;
  for (let i = 0; i < from.length && i < to.length; i++) inlineStyles(from[i]!, to[i]!);
}

function copyWithStyles(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  return copy;
}

/**
 * One standalone SVG document of the diagram: the header (who, state) above the arrows.
 * Arrows keep their accessible names (data-name) and tooltips (<title>).
 */
export function diagramSvg(head: SVGSVGElement, body: SVGSVGElement, title: string): string {
  const width = body.width.baseVal.value || body.getBoundingClientRect().width;
  const headH = head.height.baseVal.value || head.getBoundingClientRect().height;
  const bodyH = body.height.baseVal.value || body.getBoundingClientRect().height;
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(headH + bodyH));
  out.setAttribute('viewBox', `0 0 ${width} ${headH + bodyH}`);
  const t = document.createElementNS(SVG_NS, 'title');
  t.textContent = title;
  out.appendChild(t);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor || '#ffffff');
  out.appendChild(bg);
  const h = copyWithStyles(head);
  h.setAttribute('x', '0');
  h.setAttribute('y', '0');
  const b = copyWithStyles(body);
  b.setAttribute('x', '0');
  b.setAttribute('y', String(headH));
  // Each arrow keeps its name (and its <title> from the diagram); the clone has the same
  // elements in the same order as the original.
  const originals = [...body.querySelectorAll('g')];
  const cloned = [...b.querySelectorAll('g')];
  originals.forEach((g, i) => {
    const c = cloned[i];
    if (!c || !g.classList.contains('arrow')) return;
    c.setAttribute('data-arrow', g.getAttribute('data-step') ?? '');
    c.setAttribute('data-name', g.getAttribute('aria-label') ?? '');
  });
  out.appendChild(h);
  out.appendChild(b);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}\n`;
}

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The SVG rendered to a PNG at `scale` (2: sharp on slides). */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the diagram could not be rendered as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas in this browser');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
