/** Settings that have to change with another setting say what changed and why; the link follows. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, type Scenario } from '@tlslab/engine/scenario';
import { normalizeScenario } from './index';
import { scenarioFromUrl, scenarioToSearch } from './url';

const base: Scenario = { ...DEFAULT_SCENARIO, seed: 's' };
const change = (from: Partial<Scenario>, patch: Partial<Scenario>) => normalizeScenario({ ...base, ...from, ...patch }, patch);

describe('normalizeScenario', () => {
  it('a consistent scenario changes nothing and says nothing', () => {
    expect(normalizeScenario(base)).toEqual({ scenario: { ...base, earlyData: false }, changes: [] });
  });

  it('Downgrade, then TLS 1.2: the fault goes back to Nothing, in the scenario and so in the link', () => {
    const { scenario, changes } = change({ fault: 'downgrade' }, { version: 'TLS 1.2' });
    expect(scenario.fault).toBe('none');
    expect(changes.join(' ')).toMatch(/Break something back to Nothing: .*Downgrade.* needs TLS 1\.3/);
    expect(scenarioToSearch(scenario)).not.toContain('fault=');
    // The same from a link.
    const fromLink = normalizeScenario(scenarioFromUrl('?seed=s&v=1.2&fault=downgrade'));
    expect(fromLink.scenario.fault).toBe('none');
    expect(fromLink.changes).toHaveLength(1);
  });

  it('the setting just chosen wins, and what moved is said', () => {
    // A suite that needs an RSA key: the key follows the suite.
    const bySuite = change({ version: 'TLS 1.2' }, { cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
    expect(bySuite.scenario.serverKeyType).toBe('rsa-2048');
    expect(bySuite.changes).toEqual(['Server key set to RSA 2048: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 needs one.']);
    // Then an ECDSA key: the key stays, the suite goes back to the preference list.
    const byKey = normalizeScenario({ ...bySuite.scenario, serverKeyType: 'ecdsa-p256' }, { serverKeyType: 'ecdsa-p256' });
    expect(byKey.scenario.serverKeyType).toBe('ecdsa-p256');
    expect(byKey.scenario.cipherSuite).toBeUndefined();
    expect(byKey.changes.join(' ')).toMatch(/Cipher suite back to the client's preference list: .* needs a RSA 2048 server key, not ECDSA P-256/);
  });

  it('TLS 1.3 options in a TLS 1.2 run, 0-RTT without resumption, a suite of the other version', () => {
    const { scenario, changes } = change({ helloRetry: true, resumption: true, earlyData: true, cipherSuite: 'TLS_AES_128_GCM_SHA256' }, { version: 'TLS 1.2' });
    expect(scenario).toMatchObject({ helloRetry: false, resumption: false, earlyData: false });
    expect(scenario.cipherSuite).toBeUndefined();
    expect(changes).toHaveLength(4);
  });
});
