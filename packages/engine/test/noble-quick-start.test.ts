/**
 * preferQuickStart (the app Worker's smaller base-point tables) changes how fast, never what:
 * keys, ECDSA signatures (RFC 6979, hedged with the same entropy) and a whole seeded run are
 * byte for byte the same before and after.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type TlsEvent } from '../src/index';
import { toHex } from '../src/codec/hex';
import { withCryptoProvider } from '../src/crypto/provider';
import { nobleCryptoProvider, preferQuickStart } from '../src/crypto/provider-noble';
import { clearDemoPkiCache } from '../src/pki/demo';

function sample(): string[] {
  const p = nobleCryptoProvider;
  const d = new Uint8Array(32).fill(7);
  const out = [toHex(p.ecPublicKey('p256', d)), toHex(p.ecdsaSign('p256', d, 'sha256', new Uint8Array([1, 2, 3]), new Uint8Array(32).fill(9)))];
  const d384 = new Uint8Array(48).fill(5);
  out.push(toHex(p.ecPublicKey('p384', d384)), toHex(p.ecdsaSign('p384', d384, 'sha384', new Uint8Array([4]), new Uint8Array(32).fill(1))));
  return out;
}

function seededRun(): string[] {
  clearDemoPkiCache();
  const events: TlsEvent[] = [];
  withCryptoProvider(nobleCryptoProvider, () => runScenario({ ...DEFAULT_SCENARIO, seed: 'quick-start' }, (e) => events.push(e)));
  return events.flatMap((e) => (e.type === 'record' ? [toHex(e.bytes)] : []));
}

describe('preferQuickStart', () => {
  it('the same keys, signatures and seeded run with window-4 base tables', () => {
    const before = [sample(), seededRun()];
    preferQuickStart();
    const after = [sample(), seededRun()];
    expect(after[0]).toEqual(before[0]);
    expect(after[1]!.length).toBeGreaterThan(5);
    expect(after[1]).toEqual(before[1]);
  });
});
