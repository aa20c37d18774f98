import { describe, expect, it } from 'vitest';
import { Reader } from '../src/codec/reader';
import { Writer } from '../src/codec/writer';
import { TlsError } from '../src/errors';

describe('codec', () => {
  it('writes and reads a length-prefixed vector with spans', () => {
    const w = new Writer();
    const done = w.vector16('extensions');
    w.u16(0x002b, 'extension_type');
    w.opaque(2, new Uint8Array([3, 4]), 'extension_data');
    done();
    const bytes = w.finish();
    expect(Array.from(bytes)).toEqual([0, 6, 0, 0x2b, 0, 2, 3, 4]);
    const r = new Reader(bytes);
    const end = r.vector16('extensions');
    expect(r.u16('extension_type')).toBe(0x2b);
    expect(Array.from(r.opaque(2, 'extension_data'))).toEqual([3, 4]);
    end();
    r.expectEnd('test');
    expect(r.spans.map((s) => [s.label, s.start, s.end, s.depth])).toEqual([
      ['extensions', 0, 8, 0],
      ['extension_type', 2, 4, 1],
      ['extension_data', 4, 8, 1],
    ]);
    expect(w.spans.map((s) => [s.label, s.start, s.end, s.depth])).toEqual([
      ['extensions', 0, 8, 0],
      ['extension_type', 2, 4, 1],
      ['extension_data', 4, 8, 1],
    ]);
  });

  it('rejects a vector longer than its buffer and unread bytes in a scope', () => {
    expect(() => new Reader(new Uint8Array([0, 9, 1])).vector16('x')).toThrow(TlsError);
    const r = new Reader(new Uint8Array([0, 2, 1, 2]));
    const end = r.vector16('x');
    r.u8('a');
    expect(() => end()).toThrow(/unread/);
  });
});
