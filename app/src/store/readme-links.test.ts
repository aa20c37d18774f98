/**
 * The README's "Things to try" links: every parameter in them is one the app reads (nothing is
 * silently dropped), and each run ends the way the table says.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type TlsEvent } from '@tlslab/engine';
import { normalizeScenario } from './index';
import { scenarioFromUrl, scenarioToSearch } from './url';
import readme from '../../../README.md?raw';

const section = readme.slice(readme.indexOf('### Things to try'), readme.indexOf('## The `tlslab` command'));
const links = [...section.matchAll(/^\| (.+?) \| `(\/\?[^`]+)` \|$/gm)].map((m) => ({ what: m[1]!, link: m[2]! }));

/** What each link must show (by its query). */
const EXPECT: Record<string, (events: TlsEvent[], ok: boolean, alert: string | undefined) => void> = {
  'suite=TLS_RSA_WITH_AES_128_GCM_SHA256': (ev, ok) => {
    expect(ok).toBe(true);
    expect(ev.some((e) => e.type === 'secret' && e.name === 'pre_master_secret')).toBe(true);
  },
  'mutual=1': (ev, ok) => {
    expect(ok).toBe(true);
    expect(ev.some((e) => e.type === 'handshake' && e.name === 'CertificateRequest')).toBe(true);
  },
  'fault=expired-certificate': (_ev, ok, alert) => expect([ok, alert]).toEqual([false, 'certificate_expired']),
  'fault=downgrade': (_ev, ok, alert) => expect([ok, alert]).toEqual([false, 'illegal_parameter']),
  // The server goes on with a random premaster; the client's Finished then fails to decrypt.
  'fault=bad-premaster': (ev, ok, alert) => {
    expect([ok, alert]).toEqual([false, 'bad_record_mac']);
    expect(ev.some((e) => e.type === 'alert' && e.level === 'fatal' && /padding|premaster/i.test(String(e.reason)))).toBe(false);
  },
  'early=1': (ev, ok) => {
    expect(ok).toBe(true);
    expect(ev.some((e) => e.type === 'negotiated' && e.side === 'client' && e.resumed === true)).toBe(true);
    expect(ev.some((e) => e.type === 'negotiated' && e.side === 'client' && e.earlyData === 'accepted')).toBe(true);
    expect(ev.some((e) => e.type === 'handshake' && e.name === 'Certificate')).toBe(false);
  },
  'fault=bad-server-finished': (ev, ok, alert) => {
    expect([ok, alert]).toEqual([false, 'decrypt_error']);
    expect(ev.filter((e) => e.type === 'fault').map((e) => (e.type === 'fault' ? `${e.actor}:${e.culprit}` : ''))).toEqual(['faulty-peer:server']);
  },
  'fault=tamper-ciphertext': (ev, ok, alert) => {
    expect([ok, alert]).toEqual([false, 'bad_record_mac']);
    expect(ev.filter((e) => e.type === 'fault').map((e) => (e.type === 'fault' ? `${e.actor}:${e.culprit}` : ''))).toEqual(['on-path-attacker:network']);
  },
  'ems=0': (ev, ok) => {
    expect(ok).toBe(true);
    expect(ev.some((e) => e.type === 'secret' && e.name === 'master_secret' && /"master secret", ClientHello.random/.test(e.formula))).toBe(true);
  },
  'sni=%E2%98%83': (ev, ok) => {
    expect(ok).toBe(true);
    expect(ev.some((e) => e.type === 'run' && e.serverName?.aLabel === 'xn--n3h.example')).toBe(true);
  },
  'hrr=1': (ev, ok) => {
    expect(ok).toBe(true);
    expect(ev.some((e) => e.type === 'handshake' && e.name === 'HelloRetryRequest')).toBe(true);
  },
};

describe('README "Things to try" links', () => {
  it('the table has links', () => expect(links.length).toBeGreaterThanOrEqual(8));
  for (const { what, link } of links) {
    it(`${link} — ${what}`, () => {
      const search = link.slice(1);
      const scenario = normalizeScenario(scenarioFromUrl(search)).scenario;
      const back = new URLSearchParams(scenarioToSearch(scenario));
      for (const [k, v] of new URLSearchParams(search)) expect(`${k}=${back.get(k)}`).toBe(`${k}=${v}`);
      const events: TlsEvent[] = [];
      const summary = runScenario({ ...scenario, at: '2026-11-25T12:00:00Z' }, (e) => events.push(e));
      const check = Object.entries(EXPECT).find(([q]) => search.includes(q))?.[1];
      if (check) check(events, summary.ok, summary.alert);
      else expect(summary.ok).toBe(true);
    });
  }
});
