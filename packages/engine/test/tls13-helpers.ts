/** Helpers for the in-process TLS 1.3 tests: a PKI, configs, and a wire that shuttles records. */
import type { ClientConfig, ServerConfig } from '../src/config';
import type { TlsEventBody } from '../src/events';
import type { ServerKeyType } from '../src/crypto/keys';
import { seededRng } from '../src/crypto/rng';
import { generateDemoPki } from '../src/pki/demo';
import { createClient, type TlsClient } from '../src/client/client';
import { createServer, type TlsServer } from '../src/server/server';

export const AT = new Date('2026-11-25T12:00:00Z');

export function pki(serverKeyType: ServerKeyType = 'ecdsa-p256', seed = 't') {
  return generateDemoPki({ seed, serverKeyType, serverName: 'server.tlslab.test', now: AT });
}

export interface Pair {
  client: TlsClient;
  server: TlsServer;
  clientEvents: TlsEventBody[];
  serverEvents: TlsEventBody[];
}

export function makePair(opts: { keyType?: ServerKeyType; client?: Partial<ClientConfig>; server?: Partial<ServerConfig>; seed?: string } = {}): Pair {
  const p = pki(opts.keyType ?? 'ecdsa-p256');
  const clientEvents: TlsEventBody[] = [];
  const serverEvents: TlsEventBody[] = [];
  const seed = opts.seed ?? 's';
  const client = createClient({
    rng: seededRng(seed, 'client'),
    sink: (e) => clientEvents.push(e),
    trustAnchors: [p.rootDer],
    serverName: 'server.tlslab.test',
    now: AT,
    ...opts.client,
  });
  const server = createServer({
    rng: seededRng(seed, 'server'),
    sink: (e) => serverEvents.push(e),
    cert: { chain: p.serverChain, key: p.serverKey },
    now: AT,
    ...opts.server,
  });
  return { client, server, clientEvents, serverEvents };
}

type Mitm = (from: 'client' | 'server', record: Uint8Array, index: number) => Uint8Array | null;

/**
 * Runs records back and forth until both are quiet; `mitm` may alter or drop records;
 * `delivered` runs after each record is read.
 */
export function pump(p: Pair, first: Uint8Array[], mitm?: Mitm, delivered?: (from: 'client' | 'server') => void): void {
  const queue: { from: 'client' | 'server'; bytes: Uint8Array }[] = first.map((bytes) => ({ from: 'client', bytes }));
  let n = 0;
  while (queue.length > 0 && n < 1000) {
    const item = queue.shift()!;
    const bytes = mitm ? mitm(item.from, item.bytes, n) : item.bytes;
    n++;
    if (!bytes) continue;
    const to = item.from === 'client' ? p.server : p.client;
    const out = to.receive(bytes);
    delivered?.(item.from);
    for (const b of out) queue.push({ from: item.from === 'client' ? 'server' : 'client', bytes: b });
  }
}

/** `pump`, returning the application data the server read before it was connected (0-RTT data). */
export function pumpEarly(p: Pair, first: Uint8Array[]): string {
  let early = '';
  pump(p, first, undefined, (from) => {
    if (from === 'client' && !p.server.connected) early += new TextDecoder().decode(p.server.readAppData());
  });
  return early;
}

export function handshake(p: Pair, mitm?: Mitm): void {
  pump(p, p.client.start(), mitm);
}

export function alertsSent(events: TlsEventBody[]): string[] {
  return events.filter((e) => e.type === 'alert' && e.direction === 'sent').map((e) => (e as { description: string }).description);
}
