/**
 * The run's settings in the URL: a link reproduces a run (same seed, same settings, same clock,
 * same bytes, on any day: `t=` is the run's clock, and without it the engine uses a fixed
 * instant derived from the seed).
 * Pasted certificates are not put in the URL (too long, and they may be private).
 */
// The scenario module alone: the main thread must not pull in the engine itself.
import { DEFAULT_SCENARIO, type Scenario } from '@tlslab/engine/scenario';
import { FAULTS, GROUPS, KEY_TYPES, RTT_CHOICES, SUITES_12, SUITES_13, type CipherSuiteName, type FaultName, type GroupName, type RttChoice, type ServerKeyType } from './options';

function randomSeed(): string {
  const b = new Uint8Array(4);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

let upcoming: string | undefined;

/** A fresh random seed (shown in the UI, typeable to replay): the one `nextSeed` announced. */
export function freshSeed(): string {
  const s = upcoming ?? randomSeed();
  upcoming = undefined;
  return s;
}

/** The seed the next freshSeed() will return, drawn now so the Worker can prepare its keys. */
export function nextSeed(): string {
  upcoming ??= randomSeed();
  return upcoming;
}

export function scenarioFromUrl(search: string): Scenario {
  const p = new URLSearchParams(search);
  const s: Scenario = { ...DEFAULT_SCENARIO, seed: p.get('seed') || freshSeed() };
  if (p.get('v') === '1.2') s.version = 'TLS 1.2';
  const suites: readonly string[] = s.version === 'TLS 1.2' ? SUITES_12 : SUITES_13;
  const suite = p.get('suite');
  if (suite && suites.includes(suite)) s.cipherSuite = suite as CipherSuiteName;
  const group = p.get('group');
  if (group && (GROUPS as readonly string[]).includes(group)) s.group = group as GroupName;
  const key = p.get('key');
  if (key && (KEY_TYPES as readonly string[]).includes(key)) s.serverKeyType = key as ServerKeyType;
  const sni = p.get('sni');
  if (sni !== null) s.serverName = sni.slice(0, 253);
  // The run without SNI is a choice of its own, not an empty name.
  if (p.get('nosni') === '1') s.sni = false;
  if (p.get('ems') === '0') s.extendedMasterSecret = false;
  // The run's clock; without it the engine derives a fixed instant from the seed.
  const t = p.get('t');
  if (t) s.at = t.slice(0, 64);
  s.mutual = p.get('mutual') === '1';
  s.helloRetry = p.get('hrr') === '1' && s.version === 'TLS 1.3';
  s.resumption = p.get('resume') === '1' && s.version === 'TLS 1.3';
  s.earlyData = p.get('early') === '1' && s.resumption;
  const fault = p.get('fault');
  if (fault && (FAULTS.map((f) => f.id) as string[]).includes(fault)) s.fault = fault as FaultName;
  const policy = p.get('policy');
  if (policy === 'webpki' || policy === 'rfc5280') s.policy = policy;
  return s;
}

export function scenarioToSearch(s: Scenario): string {
  const p = new URLSearchParams();
  p.set('seed', s.seed);
  p.set('v', s.version === 'TLS 1.2' ? '1.2' : '1.3');
  if (s.cipherSuite) p.set('suite', s.cipherSuite);
  p.set('group', s.group);
  p.set('key', s.serverKeyType);
  p.set('sni', s.serverName);
  if (s.sni === false) p.set('nosni', '1');
  if (s.extendedMasterSecret === false) p.set('ems', '0');
  if (s.at) p.set('t', s.at);
  if (s.mutual) p.set('mutual', '1');
  if (s.helloRetry) p.set('hrr', '1');
  if (s.resumption) p.set('resume', '1');
  if (s.earlyData) p.set('early', '1');
  if (s.fault !== 'none') p.set('fault', s.fault);
  if (s.policy) p.set('policy', s.policy);
  return `?${p.toString()}`;
}

/**
 * Query parameters that belong to the view, not the run (presentation mode, the diagram's time
 * axis): kept when the settings are written.
 */
export const VIEW_PARAMS = ['present', 'rtt'] as const;

/** The diagram's time axis in a link: `rtt=100` lays it out in time at that round-trip time; absent or unknown, one row per record. */
export function timeAxisFromUrl(search: string): RttChoice | null {
  const v = new URLSearchParams(search).get('rtt');
  return RTT_CHOICES.find((r) => String(r) === v) ?? null;
}

/** `search` with the time axis set (or, for null, removed); the other parameters untouched. */
export function withTimeAxis(search: string, rtt: RttChoice | null): string {
  const p = new URLSearchParams(search);
  if (rtt === null) p.delete('rtt');
  else p.set('rtt', String(rtt));
  return `?${p.toString()}`;
}

/** `search` (the settings) plus the view parameters of `current` (the page's own query). */
export function keepViewParams(search: string, current: string): string {
  const from = new URLSearchParams(current);
  const to = new URLSearchParams(search);
  for (const k of VIEW_PARAMS) {
    const v = from.get(k);
    if (v !== null) to.set(k, v);
  }
  return `?${to.toString()}`;
}

/**
 * A file name stem that says which run it is: version, suite, group, key, the options, the
 * fault and the seed, e.g. `tlslab-tls13-x25519-ecdsa-p256-resume-0rtt-downgrade-seed-lesson`
 * (so two downloads of different runs do not overwrite each other).
 */
export function scenarioFileName(s: Scenario): string {
  const parts = [
    s.version === 'TLS 1.2' ? 'tls12' : 'tls13',
    ...(s.cipherSuite ? [s.cipherSuite.replace(/^TLS_/, '').toLowerCase()] : []),
    // RSA key transport has no group.
    ...(s.cipherSuite?.startsWith('TLS_RSA_') ? [] : [s.group]),
    s.serverKeyType,
    ...(s.mutual ? ['mutual'] : []),
    ...(s.helloRetry ? ['hrr'] : []),
    ...(s.resumption ? ['resume'] : []),
    ...(s.earlyData ? ['0rtt'] : []),
    ...(s.fault !== 'none' ? [s.fault] : []),
    'seed',
    s.seed.replace(/[^\w-]/g, '_').slice(0, 40) || 'run',
  ];
  return `tlslab-${parts.join('-')}`;
}
