/**
 * The TLSCiphertext length limit is the version's: 2^14 + 256 in TLS 1.3 (RFC 8446 §5.2),
 * 2^14 + 2048 in TLS 1.2 (RFC 5246 §6.2.3). A TLS 1.2 record longer than TLS 1.3 allows but
 * within TLS 1.2's limit is not record_overflow: it fails to authenticate (bad_record_mac);
 * only past 2^14 + 2048 does TLS 1.2 send record_overflow.
 */
import { describe, expect, it } from 'vitest';
import type { TlsEventBody } from '../src/events';
import { rec, TLS12_ONLY } from './last-alerts-helpers';
import { alertsSent, handshake, makePair } from './tls13-helpers';

const notes = (events: TlsEventBody[]) =>
  events
    .filter((e) => e.type === 'alert' || e.type === 'note' || e.type === 'closed')
    .map((e) => JSON.stringify(e))
    .join('\n');

function connected(versions: { versions: ('TLS 1.2' | 'TLS 1.3')[] }) {
  const p = makePair({ client: versions, server: versions });
  handshake(p);
  expect(p.client.connected && p.server.connected).toBe(true);
  return p;
}

describe('TLSCiphertext length limit by version', () => {
  it('TLS 1.2: a 2^14 + 1000 byte record is within RFC 5246 §6.2.3 and fails as bad_record_mac', () => {
    const p = connected(TLS12_ONLY);
    p.client.receive(rec(23, new Uint8Array((1 << 14) + 1000)));
    expect(alertsSent(p.clientEvents), notes(p.clientEvents)).toEqual(['bad_record_mac']);
  });
  it('TLS 1.2: a 2^14 + 2049 byte record is record_overflow (RFC 5246 §6.2.3)', () => {
    const p = connected(TLS12_ONLY);
    p.client.receive(rec(23, new Uint8Array((1 << 14) + 2049)));
    expect(alertsSent(p.clientEvents)).toEqual(['record_overflow']);
    expect(notes(p.clientEvents)).toMatch(/2\^14 \+ 2048/);
  });
  it('TLS 1.3: a 2^14 + 257 byte record is record_overflow (RFC 8446 §5.2)', () => {
    const p = connected({ versions: ['TLS 1.3'] });
    p.client.receive(rec(23, new Uint8Array((1 << 14) + 257)));
    expect(alertsSent(p.clientEvents)).toEqual(['record_overflow']);
    expect(notes(p.clientEvents)).toMatch(/2\^14 \+ 256/);
  });
});
