/**
 * `pnpm bench:cli`: how fast the built `tlslab` (pnpm build:cli → packages/engine/dist/tlslab.mjs)
 * starts: wall-clock time of `tlslab --help` and `tlslab simulate`, median of N runs, next to
 * the floor — plain `node` starting and exiting — and the unbuilt command (`tsx` on the source,
 * what `pnpm tlslab` runs). Target (issue 14): well under 200 ms.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const BIN = join(ROOT, 'packages', 'engine', 'dist', 'tlslab.mjs');
const N = Number(process.env.BENCH_N ?? 15);
if (!existsSync(BIN)) throw new Error('run pnpm build:cli first');

function median(cmd: string, args: string[], n = N): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const rows: [string, number][] = [];
const floor = median(process.execPath, ['-e', '0']);
rows.push(['floor: node -e 0', floor]);
rows.push(['tlslab --help (built)', median(process.execPath, [BIN, '--help'])]);
rows.push(['tlslab simulate (built, node provider)', median(process.execPath, [BIN, 'simulate', '--seed', 'bench'])]);
rows.push(['tlslab simulate --crypto noble (built)', median(process.execPath, [BIN, 'simulate', '--seed', 'bench', '--crypto', 'noble'])]);
rows.push(['tlslab --help (tsx on the source, pnpm tlslab)', median(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'packages/engine/src/cli/main.ts'), '--help'], 3)]);
console.log(`tlslab start-up, wall clock, median of ${N} runs (Node ${process.version})`);
for (const [label, ms] of rows) console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms  (${(ms / floor).toFixed(2)}× the floor)`);
console.log(`floor cli node ${floor.toFixed(0)} ms`);
