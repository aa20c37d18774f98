/**
 * The verifiers' memory of public keys (noble provider): a client verifies its server's key on
 * every handshake, so a key seen {@link HOT_AFTER} times gets a precomputed table, once. At
 * most {@link MAX_KEYS} keys per cache, the least recently used dropped. Used by
 * ./noble-ecdsa-verify.ts and ./ed25519.ts; a cache only makes verification faster, never
 * changes its verdict.
 */

/** Verifications of one key before its table is built, and how many keys a cache keeps. */
export const HOT_AFTER = 3;
export const MAX_KEYS = 8;

export class HotKeys<K> {
  /** By key id, in recency order (a Map keeps insertion order; a hit is re-inserted). */
  private entries = new Map<string, { uses: number; key: K }>();

  /** @param makeHot builds the key's table, at its {@link HOT_AFTER}th use. */
  constructor(private readonly makeHot: (key: K) => void) {}

  /**
   * The key for `id`, decoded by `decode` the first time (undefined: refused, and not kept),
   * with this use counted.
   */
  use(id: string, decode: () => K | undefined): K | undefined {
    let entry = this.entries.get(id);
    if (entry) this.entries.delete(id);
    else {
      const key = decode();
      if (key === undefined) return undefined;
      entry = { uses: 0, key };
      if (this.entries.size >= MAX_KEYS) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(id, entry);
    if (++entry.uses === HOT_AFTER) this.makeHot(entry.key);
    return entry.key;
  }

  clear(): void {
    this.entries.clear();
  }

  /** How many keys are kept, and how many of them have their table (tests). */
  stats(): { keys: number; precomputed: number } {
    let precomputed = 0;
    for (const e of this.entries.values()) if (e.uses >= HOT_AFTER) precomputed++;
    return { keys: this.entries.size, precomputed };
  }
}
