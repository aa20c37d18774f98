/**
 * Finding a lesson's stops in a real run: the arrow that carries a message, the field with a
 * given span label inside it, the step in which an event happened. Nothing here knows step
 * numbers; every stop is found from the run's events, so a lesson works for any seed.
 */
import type { HandshakeMessageName, TlsEvent } from '@tlslab/engine';
import type { Arrow, ByteSpan, RunView } from '../store/derive';
import { ancestorsOf, arrowSpans } from '../inspector/record-spans';

export type Space = 'record' | 'plaintext';

export interface FieldRef {
  space: Space;
  span: ByteSpan;
  /** The spans around it, outermost first (message, extension, …). */
  ancestors: ByteSpan[];
}

/** Where a stop is: the arrow (its step), optionally a field of it, and the panel to show. */
export interface Target {
  arrow: Arrow;
  field?: FieldRef;
  tab?: 'inspector' | 'keys' | 'certificates';
}

/** The first arrow that carries handshake message `name` (optionally from one side, after another arrow). */
export function carrying(run: RunView, name: HandshakeMessageName, from?: Arrow['from'], after = -1): Arrow | undefined {
  return run.arrows.find((a) => a.index > after && a.messages.includes(name) && (!from || a.from === from));
}

export function arrowWhere(run: RunView, pred: (a: Arrow) => boolean): Arrow | undefined {
  return run.arrows.find(pred);
}

export interface FieldQuery {
  /** An enclosing span whose label or value is this (a message name, an extension name). */
  within?: string;
  value?: (v: string) => boolean;
}

/** Every field of the arrow labelled `label` (decrypted plaintext first, then the wire). */
export function fields(run: RunView, arrow: Arrow, label: string, q: FieldQuery = {}): FieldRef[] {
  const spans = arrowSpans(run.events, arrow);
  const out: FieldRef[] = [];
  const spaces: [Space, ByteSpan[] | undefined][] = [
    ['plaintext', spans.plaintext],
    ['record', spans.record],
  ];
  for (const [space, list] of spaces) {
    if (!list) continue;
    for (const s of list) {
      if (s.label !== label) continue;
      if (q.value && !q.value(String(s.value ?? ''))) continue;
      const ancestors = ancestorsOf(list, s);
      if (q.within && !ancestors.some((a) => a.label === q.within || a.value === q.within)) continue;
      out.push({ space, span: s, ancestors });
    }
  }
  return out;
}

export function field(run: RunView, arrow: Arrow | undefined, label: string, q: FieldQuery = {}): FieldRef | undefined {
  return arrow ? fields(run, arrow, label, q)[0] : undefined;
}

/** The step (1-based) whose events include event index `i` of `run.events`. */
export function stepOfEvent(run: RunView, i: number): number {
  const k = run.stepEnds.findIndex((end) => end >= i);
  return k < 0 ? run.stepEnds.length : k + 1;
}

/** The arrow of the step in which the first event matching `pred` happened. */
export function arrowOfEvent(run: RunView, pred: (e: TlsEvent) => boolean): { arrow: Arrow; event: TlsEvent } | undefined {
  const i = run.events.findIndex(pred);
  if (i < 0) return undefined;
  const step = stepOfEvent(run, i);
  const arrow = run.arrows.find((a) => a.step === step);
  return arrow ? { arrow, event: run.events[i]! } : undefined;
}

/** The IANA name out of a span value such as `TLS_AES_128_GCM_SHA256 (0x1301)`. */
export function nameOfValue(v: unknown): string {
  return String(v ?? '').replace(/\s*\(0x[0-9a-f]+\)$|\s*\(\d+\)$/i, '');
}

/** The names of the items labelled `label` under `within` in the arrow (e.g. the offered suites). */
export function listed(run: RunView, arrow: Arrow | undefined, label: string, within?: string): string[] {
  if (!arrow) return [];
  return fields(run, arrow, label, within ? { within } : {}).map((f) => nameOfValue(f.span.value));
}

/** The handshake event (as sent) of message `name` in the arrow. */
export function sentMessage(run: RunView, arrow: Arrow | undefined, name: string) {
  if (!arrow) return undefined;
  return run.events.find((e) => e.type === 'handshake' && e.direction === 'sent' && e.recordId === arrow.id && e.name === name) as
    Extract<TlsEvent, { type: 'handshake' }> | undefined;
}

/** Plural helper: "1 certificate", "2 certificates". */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

/** "a, b and c". */
export function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
