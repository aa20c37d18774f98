/**
 * Annotated reader: every read takes the RFC field name and leaves a ByteSpan.
 *
 * Length-prefixed vectors open a scope that must be closed explicitly; closing checks that
 * exactly the announced number of bytes was consumed (subtls' `expectLength`, with spans):
 *
 *   const done = r.vector16('extensions');
 *   while (r.inScope()) readExtension(r);
 *   done();
 *
 * Every malformed input throws a `TlsError('DecodeError')`, which becomes a decode_error alert.
 */
import { TlsError } from '../errors';
import type { ByteSpan } from './bytespan';
import { toHex } from './hex';

export interface ReadOptions {
  /** Readable value for the span (defaults to the number or hex). */
  value?: string;
  rfc?: string;
}

export class Reader {
  readonly spans: ByteSpan[] = [];
  private pos = 0;
  private depth = 0;
  private readonly limits: number[] = [];

  constructor(
    readonly bytes: Uint8Array,
    /** Added to every span's offsets (where this buffer sits inside a larger one). */
    private readonly base = 0,
  ) {}

  get offset(): number {
    return this.pos;
  }

  private get limit(): number {
    return this.limits.length > 0 ? this.limits[this.limits.length - 1]! : this.bytes.length;
  }

  /** Bytes left in the innermost open scope (or the whole buffer). */
  remaining(): number {
    return this.limit - this.pos;
  }

  inScope(): boolean {
    return this.pos < this.limit;
  }

  private need(n: number, label: string): void {
    if (n > this.remaining()) {
      throw new TlsError('DecodeError', `${label}: needs ${n} bytes, only ${this.remaining()} left`);
    }
  }

  /** Records a span over bytes [start, pos) — also usable for a field parsed by hand. */
  span(start: number, label: string, opts: ReadOptions = {}): void {
    this.spans.push({
      start: this.base + start,
      end: this.base + this.pos,
      depth: this.depth,
      label,
      ...(opts.value !== undefined ? { value: opts.value } : {}),
      ...(opts.rfc !== undefined ? { rfc: opts.rfc } : {}),
    });
  }

  private uint(n: number, label: string, opts: ReadOptions | ((v: number) => string) = {}): number {
    this.need(n, label);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.bytes[this.pos + i]!;
    const start = this.pos;
    this.pos += n;
    const o = typeof opts === 'function' ? { value: opts(v) } : opts;
    this.span(start, label, { ...o, value: o.value ?? String(v) });
    return v;
  }

  /** Reads a uint8; `describe` may turn the value into a name for the span. */
  u8(label: string, opts: ReadOptions | ((v: number) => string) = {}): number {
    return this.uint(1, label, opts);
  }
  u16(label: string, opts: ReadOptions | ((v: number) => string) = {}): number {
    return this.uint(2, label, opts);
  }
  u24(label: string, opts: ReadOptions | ((v: number) => string) = {}): number {
    return this.uint(3, label, opts);
  }

  /** Reads `n` raw bytes. */
  bytesN(n: number, label: string, opts: ReadOptions = {}): Uint8Array {
    this.need(n, label);
    const start = this.pos;
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    this.span(start, label, { ...opts, value: opts.value ?? toHex(out) });
    return out;
  }

  /** Reads the rest of the current scope as raw bytes. */
  rest(label: string, opts: ReadOptions = {}): Uint8Array {
    return this.bytesN(this.remaining(), label, opts);
  }

  /** A vector<lo..hi> with an n-byte length prefix, read as opaque bytes. */
  opaque(lenBytes: 1 | 2 | 3, label: string, opts: ReadOptions & { min?: number; max?: number } = {}): Uint8Array {
    this.need(lenBytes, label);
    let len = 0;
    for (let i = 0; i < lenBytes; i++) len = len * 256 + this.bytes[this.pos + i]!;
    const start = this.pos;
    this.pos += lenBytes;
    if (opts.min !== undefined && len < opts.min) {
      throw new TlsError('DecodeError', `${label}: length ${len} below minimum ${opts.min}`);
    }
    if (opts.max !== undefined && len > opts.max) {
      throw new TlsError('DecodeError', `${label}: length ${len} above maximum ${opts.max}`);
    }
    this.need(len, label);
    const out = this.bytes.slice(this.pos, this.pos + len);
    this.pos += len;
    this.span(start, label, { ...opts, value: opts.value ?? (len === 0 ? '(empty)' : toHex(out)) });
    return out;
  }

  /**
   * Opens a length-prefixed scope: reads the length, records a span for the whole vector,
   * and returns a function that closes the scope and checks all its bytes were consumed.
   */
  vector(lenBytes: 1 | 2 | 3, label: string, opts: ReadOptions & { min?: number } = {}): () => void {
    this.need(lenBytes, label);
    let len = 0;
    for (let i = 0; i < lenBytes; i++) len = len * 256 + this.bytes[this.pos + i]!;
    const start = this.pos;
    this.pos += lenBytes;
    if (opts.min !== undefined && len < opts.min) {
      throw new TlsError('DecodeError', `${label}: length ${len} below minimum ${opts.min}`);
    }
    this.need(len, label);
    const end = this.pos + len;
    const spanIndex = this.spans.length;
    this.spans.push({
      start: this.base + start,
      end: this.base + end,
      depth: this.depth,
      label,
      value: opts.value ?? `${len} bytes`,
      ...(opts.rfc !== undefined ? { rfc: opts.rfc } : {}),
    });
    this.depth++;
    this.limits.push(end);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      if (this.pos !== end) {
        throw new TlsError('DecodeError', `${label}: ${end - this.pos} unread bytes at the end of the vector`);
      }
      this.limits.pop();
      this.depth--;
      void spanIndex;
    };
  }
  vector8(label: string, opts?: ReadOptions & { min?: number }): () => void {
    return this.vector(1, label, opts);
  }
  vector16(label: string, opts?: ReadOptions & { min?: number }): () => void {
    return this.vector(2, label, opts);
  }
  vector24(label: string, opts?: ReadOptions & { min?: number }): () => void {
    return this.vector(3, label, opts);
  }

  /**
   * Groups the next reads under a span without a length prefix (e.g. one extension, one
   * KeyShareEntry). Call the returned function after the group's last read.
   */
  group(label: string, opts: ReadOptions = {}): () => void {
    const start = this.pos;
    const spanIndex = this.spans.length;
    this.spans.push({ start: this.base + start, end: this.base + start, depth: this.depth, label });
    this.depth++;
    return () => {
      this.depth--;
      this.spans[spanIndex] = {
        start: this.base + start,
        end: this.base + this.pos,
        depth: this.depth,
        label,
        ...(opts.value !== undefined ? { value: opts.value } : {}),
        ...(opts.rfc !== undefined ? { rfc: opts.rfc } : {}),
      };
    };
  }

  /** Throws unless every byte of the buffer was read. */
  expectEnd(what: string): void {
    if (this.pos !== this.bytes.length) {
      throw new TlsError('DecodeError', `${what}: ${this.bytes.length - this.pos} trailing bytes`);
    }
  }
}
