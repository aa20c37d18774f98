/** The RFC a span cites follows the run's version: RFC 5246 in TLS 1.2 runs, RFC 8446 in TLS 1.3 runs. */
import { describe, expect, it } from 'vitest';
import type { ByteSpan } from '../src/codec/bytespan';
import type { TlsEvent } from '../src/events';
import { DEFAULT_SCENARIO, type Scenario } from '../src/scenario';
import { runScenario } from '../src/session';

function run(s: Partial<Scenario>): TlsEvent[] {
  const events: TlsEvent[] = [];
  const summary = runScenario({ ...DEFAULT_SCENARIO, at: '2026-06-01T00:00:00Z', seed: 'rfc-citations', ...s }, (e) => events.push(e));
  expect(summary.ok).toBe(true);
  return events;
}

const RECORD_LABELS = new Set(['Handshake', 'ChangeCipherSpec', 'application_data']);

/** label → cited RFCs, over every record's spans (outer and, for protected records, the decrypted content). */
function recordCitations(events: TlsEvent[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (spans: readonly ByteSpan[]) => {
    for (const sp of spans) {
      if (!RECORD_LABELS.has(sp.label) || !sp.rfc) continue;
      if (!out.has(sp.label)) out.set(sp.label, new Set());
      out.get(sp.label)!.add(sp.rfc);
    }
  };
  for (const e of events) {
    if (e.type !== 'record') continue;
    add(e.spans);
    if (e.protected?.plaintextSpans) add(e.protected.plaintextSpans);
  }
  return out;
}

function msgTypeCitations(events: TlsEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) if (e.type === 'handshake') for (const sp of e.spans) if (sp.label === 'msg_type' && sp.rfc) out.add(sp.rfc);
  return out;
}

describe('RFC citations in spans', () => {
  it('a TLS 1.2 run cites RFC 5246 for handshake, ChangeCipherSpec and application data records', () => {
    const events = run({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' });
    const cites = recordCitations(events);
    expect([...cites.keys()].sort()).toEqual(['ChangeCipherSpec', 'Handshake', 'application_data']);
    expect([...cites.get('Handshake')!]).toEqual(['RFC 5246 §7.4']);
    expect([...cites.get('ChangeCipherSpec')!]).toEqual(['RFC 5246 §7.1']);
    expect([...cites.get('application_data')!]).toEqual(['RFC 5246 §10']);
    expect([...msgTypeCitations(events)]).toEqual(['RFC 5246 §7.4']);
    const hello = events.find((e) => e.type === 'handshake' && e.name === 'ServerHello' && e.side === 'client');
    expect(hello?.type === 'handshake' && hello.spans.find((sp) => sp.label === 'ServerHello')?.rfc).toBe('RFC 5246 §7.4.1.3');
  });

  it('a TLS 1.3 run cites RFC 8446', () => {
    const events = run({ version: 'TLS 1.3' });
    const cites = recordCitations(events);
    expect([...cites.get('Handshake')!]).toEqual(['RFC 8446 §4']);
    expect([...cites.get('application_data')!]).toEqual(['RFC 8446 §5.1']);
    for (const rfcs of cites.values()) for (const r of rfcs) expect(r).toMatch(/^RFC 8446/);
    expect([...msgTypeCitations(events)]).toEqual(['RFC 8446 §4']);
  });
});
