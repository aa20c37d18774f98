/**
 * faults/mitm.ts, the man in the middle: what it changes on the wire is exactly the fault's
 * change, read and written through the record framing and the handshake codec — a downgraded
 * ClientHello differs from the one sent only in supported_versions, a tampered record only in
 * one bit of its fragment — and it leaves every other record alone.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type Scenario, type TlsEvent } from '../src/index';
import { makeMitm, type RecordEvent } from '../src/faults/mitm';
import { decodeHandshake, type HandshakeMessage } from '../src/msgs/handshake';
import { TLS12, TLS13 } from '../src/msgs/enums';
import { toHex } from '../src/codec/hex';

const AT = '2026-11-25T12:00:00Z';

function run(s: Partial<Scenario>) {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, at: AT, ...s }, (e) => events.push(e));
  return events;
}

const records = (events: TlsEvent[], direction: 'sent' | 'received') => events.filter((e): e is RecordEvent & TlsEvent => e.type === 'record' && e.direction === direction);

/** The ClientHello in a plaintext record (header 5 bytes, one handshake message). */
function helloOf(record: Uint8Array): Extract<HandshakeMessage, { type: 'ClientHello' }> {
  const bytes = record.subarray(5);
  const m = decodeHandshake({ msgType: bytes[0]!, bytes, body: bytes.subarray(4) }).msg;
  if (m.type !== 'ClientHello') throw new Error(`not a ClientHello: ${m.type}`);
  return m;
}

describe('the man in the middle (faults/mitm.ts)', () => {
  for (const variant of [{}, { helloRetry: true }, { resumption: true, earlyData: true }, { mutual: true, sni: false }] as Partial<Scenario>[])
    it(`downgrade changes only supported_versions of the first ClientHello (${JSON.stringify(variant)})`, () => {
      const events = run({ fault: 'downgrade', ...variant });
      const sent = records(events, 'sent').find((r) => r.recordId === 'c2s:0')!;
      const got = records(events, 'received').find((r) => r.recordId === 'c2s:0' && r.side === 'server')!;
      const before = helloOf(sent.bytes);
      const after = helloOf(got.bytes);
      const versions = (m: typeof before) => m.extensions.find((e) => e.type === 'supported_versions');
      expect(versions(before)).toEqual({ type: 'supported_versions', versions: [TLS13, TLS12] });
      expect(versions(after)).toEqual({ type: 'supported_versions', versions: [TLS12] });
      // Everything else is as the client sent it, and the record and message lengths follow (2 bytes fewer).
      const others = (m: typeof before) => ({ ...m, extensions: m.extensions.filter((e) => e.type !== 'supported_versions') });
      expect(others(after)).toEqual(others(before));
      expect(got.bytes.length).toBe(sent.bytes.length - 2);
      expect(toHex(got.bytes.subarray(0, 3))).toBe(toHex(sent.bytes.subarray(0, 3)));
      // Only that record was changed.
      for (const r of records(events, 'received').filter((r) => r.recordId !== 'c2s:0')) {
        const s = records(events, 'sent').find((x) => x.recordId === r.recordId && x.side !== r.side);
        if (s) expect(toHex(r.bytes)).toBe(toHex(s.bytes));
      }
      const faults = events.filter((e) => e.type === 'fault');
      expect(faults).toHaveLength(1);
      expect(faults[0]).toMatchObject({ actor: 'on-path-attacker', culprit: 'network', recordId: 'c2s:0', side: 'server', expectedAlert: 'illegal_parameter' });
    });

  for (const version of ['TLS 1.3', 'TLS 1.2'] as const)
    it(`tamper-ciphertext flips exactly one bit of the first protected server record's fragment (${version})`, () => {
      const events = run({ fault: 'tamper-ciphertext', version });
      const fault = events.find((e) => e.type === 'fault');
      expect(fault).toMatchObject({ actor: 'on-path-attacker', culprit: 'network', side: 'client', expectedAlert: 'bad_record_mac' });
      const id = fault?.type === 'fault' ? fault.recordId : undefined;
      const sent = records(events, 'sent').find((r) => r.recordId === id)!;
      expect(sent.protected).toBeDefined();
      expect(records(events, 'sent').find((r) => r.side === 'server' && r.protected)!.recordId).toBe(id);
      const got = records(events, 'received').find((r) => r.recordId === id && r.side === 'client')!;
      expect(got.bytes.length).toBe(sent.bytes.length);
      const diff = [...got.bytes].map((b, i) => b ^ sent.bytes[i]!).flatMap((x, i) => (x ? [[i, x]] : []));
      expect(diff).toEqual([[5, 0x01]]);
    });

  it('passes through every record it has no fault for, and changes one record at most', () => {
    const record = new Uint8Array([22, 3, 1, 0, 4, 1, 0, 0, 0]);
    const none = makeMitm(
      { ...DEFAULT_SCENARIO, fault: 'none' },
      () => undefined,
      () => expect.unreachable(),
    );
    expect(none('client', record)).toBe(record);
    // Not a ClientHello that parses: left as it is.
    const down = makeMitm(
      { ...DEFAULT_SCENARIO, fault: 'downgrade' },
      () => undefined,
      () => expect.unreachable(),
    );
    expect(down('client', record)).toBe(record);
    expect(down('server', record)).toBe(record);
    // No record event (bytes no endpoint sent) or no protection: nothing to tamper with.
    const tamper = makeMitm(
      { ...DEFAULT_SCENARIO, fault: 'tamper-ciphertext' },
      () => undefined,
      () => expect.unreachable(),
    );
    expect(tamper('server', record)).toBe(record);
    let reports = 0;
    const ev = { protected: { trafficSecret: 'server_handshake_traffic_secret' }, recordId: 's2c:1' } as unknown as RecordEvent;
    const once = makeMitm(
      { ...DEFAULT_SCENARIO, fault: 'tamper-ciphertext' },
      () => ev,
      () => reports++,
    );
    const protectedRecord = new Uint8Array([23, 3, 3, 0, 2, 0xaa, 0xbb]);
    expect([...once('server', protectedRecord)!]).toEqual([23, 3, 3, 0, 2, 0xab, 0xbb]);
    expect(once('server', protectedRecord)).toBe(protectedRecord);
    expect(reports).toBe(1);
  });
});
