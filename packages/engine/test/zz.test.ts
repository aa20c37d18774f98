import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO } from '../src/index';
const sample = (name: string) => readFileSync(new URL(`../../../public/samples/${name}`, import.meta.url), 'utf8');
it('x', () => {
  const s = runScenario({ ...DEFAULT_SCENARIO, at: '2026-11-25T12:00:00Z', seed: 'samples', pastedChainPem: sample('valid.pem'), pastedKeyPem: sample('valid.key'), extraTrustPem: sample('sample-root.pem') }, (e) => { if (e.type === 'cert-report') console.log(JSON.stringify(e.report.checks.filter((c) => !c.pass))); if (e.type==='note') console.log(e.text); });
  console.log(JSON.stringify(s));
});
