/** The settings in the URL: a link reproduces a run, and junk in a link is ignored. */
import { describe, expect, it } from 'vitest';
import { keepViewParams, scenarioFileName, scenarioFromUrl, scenarioToSearch, timeAxisFromUrl, withTimeAxis } from './url';

describe('scenario ⇄ URL', () => {
  it('round-trips every setting', () => {
    const s = scenarioFromUrl('?seed=abc&v=1.2&suite=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384&group=secp256r1&key=rsa-2048&sni=example.org&mutual=1&fault=bad-premaster');
    expect(s).toMatchObject({
      seed: 'abc',
      version: 'TLS 1.2',
      cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      group: 'secp256r1',
      serverKeyType: 'rsa-2048',
      serverName: 'example.org',
      mutual: true,
      fault: 'bad-premaster',
    });
    expect(scenarioFromUrl(scenarioToSearch(s))).toEqual(s);
    const r = scenarioFromUrl('?seed=r&v=1.3&resume=1&hrr=1&early=1');
    expect(r).toMatchObject({ resumption: true, helloRetry: true, earlyData: true });
    expect(scenarioFromUrl('?seed=r&v=1.3&early=1').earlyData).toBe(false); // 0-RTT needs a resumed session
    expect(scenarioFromUrl(scenarioToSearch(r))).toEqual(r);
    expect(scenarioFromUrl('?seed=r&v=1.2&resume=1').resumption).toBe(false); // TLS 1.3 only
    const p = scenarioFromUrl('?seed=p&policy=rfc5280');
    expect(p.policy).toBe('rfc5280');
    expect(scenarioFromUrl(scenarioToSearch(p))).toEqual(p);
    expect(scenarioFromUrl('?seed=p&policy=webpki').policy).toBe('webpki');
    expect(scenarioFromUrl('?seed=p').policy).toBeUndefined(); // each side's default
    expect(scenarioFromUrl('?seed=p&policy=lax').policy).toBeUndefined();
  });

  it('keeps the clock, the no-SNI choice and the EMS switch (issue 9)', () => {
    const s = scenarioFromUrl('?seed=lesson&v=1.2&t=2026-05-01T08:30:00Z&nosni=1&ems=0&sni=%E2%98%83.example');
    expect(s).toMatchObject({ at: '2026-05-01T08:30:00Z', sni: false, extendedMasterSecret: false, serverName: '☃.example' });
    expect(scenarioFromUrl(scenarioToSearch(s))).toEqual(s);
    const d = scenarioFromUrl('?seed=lesson');
    expect(d.at).toBeUndefined(); // the engine's seed-derived clock, the same for everyone
    expect(scenarioToSearch(d)).not.toMatch(/[?&](t|nosni|ems)=/);
  });

  it('ignores values it does not know, and makes a seed when there is none', () => {
    const s = scenarioFromUrl('?v=9&suite=TLS_RSA_WITH_AES_128_GCM_SHA256&group=x448&key=dsa&fault=explode&hrr=1');
    expect(s.version).toBe('TLS 1.3');
    expect(s.cipherSuite).toBeUndefined(); // a TLS 1.2 suite is not a TLS 1.3 choice
    expect(s.group).toBe('x25519');
    expect(s.serverKeyType).toBe('ecdsa-p256');
    expect(s.fault).toBe('none');
    expect(s.helloRetry).toBe(true);
    expect(s.seed).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe("the diagram's time axis in the link (issue 12)", () => {
  it('round-trips each round-trip time, and Off leaves no trace', () => {
    for (const rtt of [20, 100, 300] as const) {
      const search = withTimeAxis('?seed=abc&v=1.2&present=1', rtt);
      expect(timeAxisFromUrl(search)).toBe(rtt);
      // The run's settings and the other view parameters are untouched.
      expect(scenarioFromUrl(search)).toEqual(scenarioFromUrl('?seed=abc&v=1.2'));
      expect(new URLSearchParams(search).get('present')).toBe('1');
      expect(withTimeAxis(search, null)).toBe('?seed=abc&v=1.2&present=1');
    }
    expect(timeAxisFromUrl('?seed=abc')).toBeNull();
  });

  it('ignores a round-trip time it does not offer', () => {
    for (const junk of ['0', '-100', '150', '1e2', '100ms', 'abc', '']) expect(timeAxisFromUrl(`?rtt=${junk}`), junk).toBeNull();
  });

  it('is kept when the settings are written back into the link', () => {
    const s = scenarioFromUrl('?seed=abc&v=1.3');
    const search = keepViewParams(scenarioToSearch({ ...s, version: 'TLS 1.2' }), '?seed=abc&v=1.3&rtt=300');
    expect(timeAxisFromUrl(search)).toBe(300);
    expect(scenarioFromUrl(search).version).toBe('TLS 1.2');
  });
});

describe('scenarioFileName', () => {
  it('names a download by the run: version, suite, group, key, options, fault, seed', () => {
    expect(scenarioFileName(scenarioFromUrl('?seed=lesson&resume=1&early=1&fault=downgrade'))).toBe('tlslab-tls13-x25519-ecdsa-p256-resume-0rtt-downgrade-seed-lesson');
    expect(scenarioFileName(scenarioFromUrl('?seed=a/b&v=1.2&suite=TLS_RSA_WITH_AES_128_GCM_SHA256&key=rsa-2048&mutual=1'))).toBe(
      'tlslab-tls12-rsa_with_aes_128_gcm_sha256-rsa-2048-mutual-seed-a_b',
    );
  });
});
