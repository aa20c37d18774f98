/** The dependency-free name lists in scenario.ts must offer exactly what the engine implements. */
import { describe, expect, it } from 'vitest';
import { TLS13_SUITES } from '../src/crypto/tls13-suites';
import { TLS12_SUITES } from '../src/crypto/tls12-suites';
import { TLS12_SUITE_NAMES, TLS13_SUITE_NAMES } from '../src/scenario';

describe('scenario name lists', () => {
  it('list every TLS 1.3 and TLS 1.2 suite the engine has, and no other', () => {
    expect([...TLS13_SUITE_NAMES].sort()).toEqual(TLS13_SUITES.map((s) => s.name).sort());
    expect([...TLS12_SUITE_NAMES].sort()).toEqual(TLS12_SUITES.map((s) => s.name).sort());
  });
});
