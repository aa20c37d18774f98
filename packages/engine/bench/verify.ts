/**
 * `pnpm bench:verify`: how long verifyChain takes for a 3-certificate chain (leaf →
 * intermediate → root anchor), cold (parsing every certificate) and warm (parse cache hit, as
 * when the same chain is seen again), for the demo PKI's ECDSA P-256, RSA-2048 and Ed25519
 * leaves. Target (issue 4): under 20 ms in Node.
 */
import { generateDemoPki } from '../src/pki/demo';
import { clearParseCache, verifyChain } from '../src/pki/verify';
import type { ServerKeyType } from '../src/crypto/keys';

const N = Number(process.env.BENCH_N ?? 200);
const now = new Date();

function measure(label: string, fn: () => void): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up (JIT)
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn();
  const ms = (performance.now() - t0) / N;
  console.log(`${label.padEnd(44)} ${ms.toFixed(3).padStart(8)} ms`);
  return ms;
}

console.log(`verifyChain, 3-certificate chain, mean of ${N} runs (Node ${process.version})`);
let worst = 0;
for (const t of ['ecdsa-p256', 'rsa-2048', 'ed25519'] as ServerKeyType[]) {
  const pki = generateDemoPki({ seed: 'bench', serverKeyType: t, serverName: 'bench.test', now });
  const run = () => {
    const r = verifyChain({
      chain: pki.serverChain.map((c) => c.slice()),
      anchors: [pki.rootDer.slice()],
      at: now,
      host: 'bench.test',
      purpose: 'server',
    });
    if (!r.ok) throw new Error(`bench chain did not verify: ${r.verdict}`);
  };
  worst = Math.max(worst, measure(`${t} leaf, cold (parse + verify)`, () => (clearParseCache(), run())));
  measure(`${t} leaf, warm (parse cache hit)`, run);
}
console.log(`worst cold: ${worst.toFixed(3)} ms — ${worst < 20 ? 'under' : 'OVER'} the 20 ms target`);
