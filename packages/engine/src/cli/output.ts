/**
 * Where the CLI writes: stdout for results (the answer, the trace, JSON lines), stderr for the
 * one-line status and errors. Commands take an `Io` so tests can capture both.
 */
import type { TlsEvent } from '../events';
import { createTraceFormatter, toJsonLine } from './trace';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (colour allowed). */
  isTty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

export type OutputMode = 'plain' | 'trace' | 'json';

/**
 * An event listener printing the trace or JSON lines as events arrive (nothing in plain mode).
 * `prefix` starts every trace line; `jsonExtra` fields are added to every JSON line (e.g. the
 * connection number of `serve`).
 */
export function eventPrinter(io: Io, mode: OutputMode, prefix = '', jsonExtra?: Record<string, unknown>): (e: TlsEvent) => void {
  if (mode === 'json') return (e) => io.out(`${toJsonLine(jsonExtra ? { ...jsonExtra, ...e } : e)}\n`);
  if (mode === 'trace') {
    const f = createTraceFormatter({ color: io.isTty });
    return (e) => {
      const lines = f.format(e);
      if (lines.length > 0) io.out(lines.map((l) => prefix + l).join('\n') + '\n');
    };
  }
  return () => {};
}

/** Interprets `\n`, `\r`, `\t`, `\\` and `\xHH` escapes in a --send argument. */
export function unescapeText(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_m, c: string) => {
    if (c.length === 3) return String.fromCharCode(Number.parseInt(c.slice(1), 16));
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '0':
        return '\0';
      default:
        return c;
    }
  });
}
