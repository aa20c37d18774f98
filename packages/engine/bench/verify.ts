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

// ---- Worst case for name constraints: a constrained intermediate and a leaf whose names ×
// constraints sit just under the bound (MAX_NAME_COMPARISONS), so every comparison is made.
{
  const { buildCertificate } = await import('../src/pki/build');
  const { demoKey } = await import('../src/pki/demo');
  const { MAX_NAME_COMPARISONS } = await import('../src/pki/name-constraints');
  const { OID } = await import('../src/pki/parse');
  const { seededRng } = await import('../src/crypto/rng');
  const rng = seededRng('bench-nc');
  const [rootKey, interKey, leafKey] = ['root', 'inter', 'leaf'].map((l) => demoKey('bench-nc', l, 'ecdsa-p256'));
  const day = 86_400_000;
  const validity = { notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 30 * day) };
  const ca = { ca: { ca: true }, keyUsage: ['keyCertSign' as const] };
  const constraints = 255; // permitted + excluded
  const names = Math.floor(MAX_NAME_COMPARISONS / constraints) - 2; // + subject, under the bound
  const root = buildCertificate({ subject: [['CN', 'NC Root']], publicKey: rootKey!.publicKey, selfKey: rootKey!, ...validity, ...ca, rng });
  const inter = buildCertificate({
    subject: [['CN', 'NC Inter']],
    publicKey: interKey!.publicKey,
    issuer: { name: [['CN', 'NC Root']], key: rootKey! },
    ...validity,
    ...ca,
    nameConstraints: { permittedDns: ['bench.test', ...Array.from({ length: 127 }, (_, i) => `p${i}.example`)], excludedDns: Array.from({ length: 128 }, (_, i) => `x${i}.bench.test`) },
    rng,
  });
  const dns = ['bench.test', ...Array.from({ length: names - 1 }, (_, i) => `h${i}.bench.test`)];
  const leaf = buildCertificate({
    subject: [['CN', 'bench.test']],
    publicKey: leafKey!.publicKey,
    issuer: { name: [['CN', 'NC Inter']], key: interKey! },
    ...validity,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OID.serverAuth],
    dns,
    rng,
  });
  const runNc = () => {
    const r = verifyChain({ chain: [leaf, inter], anchors: [root], at: now, host: 'bench.test', purpose: 'server' });
    if (!r.ok) throw new Error(`name-constraints bench chain did not verify: ${r.verdict}`);
  };
  const ms = measure(`name constraints: ${names + 1} names × ${constraints} constraints, cold`, () => (clearParseCache(), runNc()));
  console.log(`worst case names × constraints at the bound: ${ms.toFixed(1)} ms — ${ms < 1000 ? 'under' : 'OVER'} the 1 s limit`);
}
