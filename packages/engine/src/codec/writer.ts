/**
 * Annotated writer: the mirror of `Reader`. Every write takes the RFC field name and leaves
 * a ByteSpan, so messages we send are as inspectable as messages we receive.
 *
 *   const done = w.vector16('extensions');
 *   writeExtension(w, ...);
 *   done(); // back-patches the length
 */
import type { ByteSpan } from './bytespan';
import { toHex } from './hex';

export interface WriteOptions {
  value?: string;
  rfc?: string;
}

export class Writer {
  readonly spans: ByteSpan[] = [];
  private buf = new Uint8Array(256);
  private pos = 0;
  private depth = 0;

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  private push(start: number, label: string, opts: WriteOptions, fallback: string): void {
    this.spans.push({
      start,
      end: this.pos,
      depth: this.depth,
      label,
      value: opts.value ?? fallback,
      ...(opts.rfc !== undefined ? { rfc: opts.rfc } : {}),
    });
  }

  private uint(n: number, v: number, label: string, opts: WriteOptions): this {
    this.ensure(n);
    const start = this.pos;
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.pos + i] = v & 0xff;
      v = Math.floor(v / 256);
    }
    this.pos += n;
    this.push(start, label, opts, String(this.readBack(start, n)));
    return this;
  }

  private readBack(start: number, n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.buf[start + i]!;
    return v;
  }

  u8(v: number, label: string, opts: WriteOptions = {}): this {
    return this.uint(1, v, label, opts);
  }
  u16(v: number, label: string, opts: WriteOptions = {}): this {
    return this.uint(2, v, label, opts);
  }
  u24(v: number, label: string, opts: WriteOptions = {}): this {
    return this.uint(3, v, label, opts);
  }

  bytes(b: Uint8Array, label: string, opts: WriteOptions = {}): this {
    this.ensure(b.length);
    const start = this.pos;
    this.buf.set(b, this.pos);
    this.pos += b.length;
    this.push(start, label, opts, b.length === 0 ? '(empty)' : toHex(b));
    return this;
  }

  /** A vector with an n-byte length prefix holding opaque bytes. */
  opaque(lenBytes: 1 | 2 | 3, b: Uint8Array, label: string, opts: WriteOptions = {}): this {
    const done = this.vector(lenBytes, label, { value: opts.value ?? (b.length === 0 ? '(empty)' : toHex(b)), ...(opts.rfc ? { rfc: opts.rfc } : {}) });
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    done();
    return this;
  }

  /** Opens a length-prefixed vector; the returned function back-patches the length. */
  vector(lenBytes: 1 | 2 | 3, label: string, opts: WriteOptions = {}): () => void {
    this.ensure(lenBytes);
    const start = this.pos;
    this.pos += lenBytes;
    const spanIndex = this.spans.length;
    this.spans.push({ start, end: start, depth: this.depth, label });
    this.depth++;
    return () => {
      this.depth--;
      let len = this.pos - start - lenBytes;
      for (let i = lenBytes - 1; i >= 0; i--) {
        this.buf[start + i] = len & 0xff;
        len = Math.floor(len / 256);
      }
      this.spans[spanIndex] = {
        start,
        end: this.pos,
        depth: this.depth,
        label,
        value: opts.value ?? `${this.pos - start - lenBytes} bytes`,
        ...(opts.rfc !== undefined ? { rfc: opts.rfc } : {}),
      };
    };
  }
  vector8(label: string, opts?: WriteOptions): () => void {
    return this.vector(1, label, opts);
  }
  vector16(label: string, opts?: WriteOptions): () => void {
    return this.vector(2, label, opts);
  }
  vector24(label: string, opts?: WriteOptions): () => void {
    return this.vector(3, label, opts);
  }

  /** Groups the next writes under one span without a length prefix. */
  group(label: string, opts: WriteOptions = {}): () => void {
    const start = this.pos;
    const spanIndex = this.spans.length;
    this.spans.push({ start, end: start, depth: this.depth, label });
    this.depth++;
    return () => {
      this.depth--;
      this.spans[spanIndex] = {
        start,
        end: this.pos,
        depth: this.depth,
        label,
        ...(opts.value !== undefined ? { value: opts.value } : {}),
        ...(opts.rfc !== undefined ? { rfc: opts.rfc } : {}),
      };
    };
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
