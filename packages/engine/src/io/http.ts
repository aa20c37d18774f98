/** The little HTTP/1.x the CLI and the live runs need: when has a response fully arrived. */
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
