/**
 * `pnpm bench:verify`: how long verifyChain takes for a 3-certificate chain (leaf →
 * intermediate → root anchor) for the demo PKI's ECDSA P-256, RSA-2048 and Ed25519 leaves,
 * with each crypto provider:
 *
 * - cold: nothing cached (every certificate parsed, every signature verified);
 * - warm, signatures verified: the parsed certificates cached, the signatures verified again;
 * - warm: the parsed certificates and the verified signatures cached (crypto/signature-cache.ts),
 *   as when a client sees the same chain again. Target (issue 14): ≤ 1.5 ms.
 *
 * The floor line is what OpenSSL (node:crypto) needs for the same chain: parse the three
 * certificates (X509Certificate) and verify the two signatures (X509Certificate.verify).
 */
import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { generateDemoPki } from '../src/pki/demo';
import { clearParseCache, verifyChain } from '../src/pki/verify';
import { clearSignatureCache } from '../src/crypto/signature-cache';
import { withCryptoProvider } from '../src/crypto/provider';
import { nobleCryptoProvider } from '../src/crypto/provider-noble';
import { nodeCryptoProvider } from '../src/crypto/provider-node';
import type { ServerKeyType } from '../src/crypto/keys';

const N = Number(process.env.BENCH_N ?? 200);
const now = new Date();

function measure(label: string, fn: () => void): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up (JIT)
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn();
  const ms = (performance.now() - t0) / N;
  console.log(`${label.padEnd(58)} ${ms.toFixed(3).padStart(8)} ms`);
  return ms;
}

console.log(`verifyChain, 3-certificate chain, mean of ${N} runs (Node ${process.version}, OpenSSL ${process.versions.openssl})`);
let worstWarm = 0;
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
  for (const provider of [nobleCryptoProvider, nodeCryptoProvider])
    withCryptoProvider(provider, () => {
      const tag = `${t} leaf, ${provider.name}`;
      measure(`${tag}, cold (parse + verify)`, () => (clearParseCache(), clearSignatureCache(), run()));
      measure(`${tag}, warm, signatures verified`, () => (clearSignatureCache(), run()));
      worstWarm = Math.max(worstWarm, measure(`${tag}, warm (parse and signature caches hit)`, run));
    });
  const ders = [...pki.serverChain, pki.rootDer];
  const floor = measure(`${t} leaf, floor: node:crypto parse 3 + verify 2`, () => {
    const [leaf, inter, root] = ders.map((d) => new X509Certificate(Buffer.from(d)));
    if (!leaf!.verify(inter!.publicKey) || !inter!.verify(root!.publicKey)) throw new Error('floor chain did not verify');
  });
  console.log(`floor verify ${t} node:crypto ${floor.toFixed(3)} ms`);
}
console.log(`worst warm: ${worstWarm.toFixed(3)} ms — ${worstWarm <= 1.5 ? 'within' : 'OVER'} the 1.5 ms target`);

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
    nameConstraints: {
      permittedDns: ['bench.test', ...Array.from({ length: 127 }, (_, i) => `p${i}.example`)],
      excludedDns: Array.from({ length: 128 }, (_, i) => `x${i}.bench.test`),
    },
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
  const ms = measure(`name constraints: ${names + 1} names × ${constraints} constraints, cold`, () => (clearParseCache(), clearSignatureCache(), runNc()));
  console.log(`worst case names × constraints at the bound: ${ms.toFixed(1)} ms — ${ms < 1000 ? 'under' : 'OVER'} the 1 s limit`);
}
