/** The little HTTP/1.x the CLI and the live runs need: when has a response fully arrived, and a request's head. */
import { utf8 } from '../codec/hex';

/** Is `text` a complete HTTP/1.x response (by Content-Length or chunked terminator)? */
export function httpResponseComplete(text: string): boolean {
  const headEnd = text.indexOf('\r\n\r\n');
  if (!/^HTTP\/1\.[01] \d{3}/.test(text) || headEnd < 0) return false;
  const head = text.slice(0, headEnd).toLowerCase();
  const body = text.slice(headEnd + 4);
  const cl = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (cl) return utf8.encode(body).length >= Number(cl[1]);
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) return /(^|\r\n)0\r\n\r\n$/.test(body);
  return false;
}

/** Largest request head (request line and headers) we read (then 431, RFC 6585 §5). */
export const MAX_REQUEST_HEAD = 16 * 1024;

/** Where the request read so far stands. */
export type RequestRead = { kind: 'incomplete' } | { kind: 'complete'; head: string } | { kind: 'too-large' };

/**
 * Reads a request: an HTTP request ends with the empty line after its headers (RFC 9112 §2.1:
 * `\r\n\r\n`; a bare LF is accepted as a line end, §2.2). A first line that is complete and is
 * not an HTTP/1.x request line is a request of its own (one line of text). Until then, more
 * bytes can come — including a partial "GET" — so nothing is answered early.
 */
export function readRequest(buf: string, maxHead = MAX_REQUEST_HEAD): RequestRead {
  const end = /\r?\n\r?\n/.exec(buf);
  if (end) return end.index + end[0].length <= maxHead ? { kind: 'complete', head: buf.slice(0, end.index + end[0].length) } : { kind: 'too-large' };
  const nl = buf.indexOf('\n');
  if (nl >= 0 && nl <= maxHead && !/^[A-Z]+ \S+ HTTP\/1\.\d\r?$/.test(buf.slice(0, nl))) return { kind: 'complete', head: buf.slice(0, nl + 1) };
  return buf.length > maxHead ? { kind: 'too-large' } : { kind: 'incomplete' };
}
