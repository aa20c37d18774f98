/**
 * Randomness for a run. Unseeded: the platform CSPRNG. Seeded: a deterministic stream
 * (HMAC-SHA256 in counter mode over the seed) so the same seed gives the same bytes —
 * randoms, ephemeral keys, padding, RSA-PSS salts, premaster secrets. A seeded run is for
 * replaying and teaching, never for protecting real traffic.
 */
import { utf8 } from '../codec/hex';
import { cryptoProvider } from './provider';

export type Rng = (n: number) => Uint8Array;

/**
 * The platform CSPRNG, drawn 4 KiB at a time: a handshake takes dozens of small draws (randoms,
 * key shares, nonces, salts), and each call into the platform costs more than the bytes.
 */
export function systemRng(): Rng {
  let pool: Uint8Array = new Uint8Array(0);
  return (n) => {
    if (n > POOL_BYTES / 4) return cryptoProvider().randomBytes(n);
    if (pool.length < n) pool = cryptoProvider().randomBytes(POOL_BYTES);
    const out = pool.slice(0, n);
    pool.fill(0, 0, n); // what has been handed out is not kept
    pool = pool.subarray(n);
    return out;
  };
}

const POOL_BYTES = 4096;

/** A deterministic stream from `seed`; `label` separates independent streams of one seed. */
export function seededRng(seed: string, label = ''): Rng {
  const key = cryptoProvider().hash('sha256', utf8.encode(`tlslab seed:${seed}`));
  const info = utf8.encode(label);
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (n) => {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      if (pool.length === 0) {
        const block = new Uint8Array(info.length + 4);
        block.set(info);
        new DataView(block.buffer).setUint32(info.length, counter++);
        pool = cryptoProvider().hmac('sha256', key, block);
      }
      const take = Math.min(pool.length, n - o);
      out.set(pool.subarray(0, take), o);
      pool = pool.subarray(take);
      o += take;
    }
    return out;
  };
}

/** A fresh seed for "New handshake": 8 random bytes as 16 hex characters. */
export function newSeed(): string {
  const b = systemRng()(8);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
