/**
 * The demo PKI of a run: root CA → intermediate CA → server leaf, and a client CA → client leaf
 * for mutual TLS. Deterministic for a seed: every key comes from `seededRng(seed, label)` and
 * validity is anchored on the UTC day of `now`, so the same seed on the same day gives the same
 * bytes. CA keys are ECDSA P-256 (fast); the server leaf key is the run's chosen type.
 *
 * RSA key generation costs ~0.2–0.5 s for 2048 bits, so keys are cached per (seed, label).
 */
import type { PrivateKey, ServerKeyType } from '../crypto/keys';
import { seededRng } from '../crypto/rng';
import { rsaKeySteps } from '../crypto/rsa';
import { generateKeyFromRng } from '../crypto/signature';
import { buildCertificate, type NameSpec } from './build';
import { OID, parseIpAddress } from './parse';

export interface DemoPkiOptions {
  seed: string;
  serverKeyType: ServerKeyType;
  /** DNS name (or IP address) put in the server leaf's subjectAltName. */
  serverName: string;
  /** Reference time; validity is computed from its UTC day. Default: now. */
  now?: Date;
  /** Make the server leaf expired (notAfter 30 days before `now`). */
  expired?: boolean;
  /** Key type of the client leaf (mutual TLS). Default ecdsa-p256. */
  clientKeyType?: ServerKeyType;
}

export interface DemoPki {
  rootDer: Uint8Array;
  intermediateDer: Uint8Array;
  /** leaf, intermediate */
  serverChain: Uint8Array[];
  serverKey: PrivateKey;
  clientRootDer: Uint8Array;
  /** client leaf (issued directly by the client root) */
  clientChain: Uint8Array[];
  clientKey: PrivateKey;
}

const DAY = 24 * 3600 * 1000;

const keyCache = new Map<string, PrivateKey>();
const pkiCache = new Map<string, DemoPki>();

/** Forgets cached keys and PKIs (tests use it to prove determinism without the cache). */
export function clearDemoPkiCache(): void {
  keyCache.clear();
  pkiCache.clear();
  caCache.clear();
  inProgress.clear();
}

/** RSA keys being made in the background (prepareDemoKey), by cache id. */
const inProgress = new Map<string, Generator<void, PrivateKey>>();

const keyId = (seed: string, label: string, type: string): string => `${seed}\u0000${label}\u0000${type}`;

function remember(id: string, key: PrivateKey): PrivateKey {
  inProgress.delete(id);
  if (keyCache.size > 64) keyCache.clear();
  keyCache.set(id, key);
  return key;
}

/** A key of the given type from the seed, cached (RSA generation is slow). */
export function demoKey(seed: string, label: string, type: ServerKeyType | 'ecdsa-p384'): PrivateKey {
  const id = keyId(seed, label, type);
  const key = keyCache.get(id);
  if (key) return key;
  // A key begun in the background is finished here, not begun again: the same key either way.
  const steps = inProgress.get(id) ?? (type === 'rsa-2048' ? rsaKeySteps(2048, seededRng(seed, `pki:key:${label}`)) : undefined);
  if (!steps) return remember(id, generateKeyFromRng(type as 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519', seededRng(seed, `pki:key:${label}`)));
  for (;;) {
    const r = steps.next();
    if (r.done) return remember(id, r.value);
  }
}

/**
 * Starts making the demo server key of a seed that will be used soon (the seed "New
 * handshake" will draw next), for a caller to advance in small steps while it is idle:
 * `step()` does a little work and returns true once the key is cached. demoKey called before
 * then finishes the same work instead of starting over. Only RSA keys need this.
 */
export function prepareDemoKey(seed: string, type: ServerKeyType): { step: () => boolean } {
  const id = keyId(seed, 'server', type);
  if (keyCache.has(id) || type !== 'rsa-2048') {
    demoKey(seed, 'server', type);
    return { step: () => true };
  }
  let steps = inProgress.get(id);
  if (!steps) {
    steps = rsaKeySteps(2048, seededRng(seed, 'pki:key:server'));
    if (inProgress.size > 4) inProgress.delete(inProgress.keys().next().value!);
    inProgress.set(id, steps);
  }
  const mine = steps;
  return {
    step: () => {
      // Done, finished by demoKey, or dropped for a newer preparation: nothing left to do.
      if (keyCache.has(id) || inProgress.get(id) !== mine) return true;
      const r = mine.next();
      if (r.done) remember(id, r.value);
      return r.done === true;
    },
  };
}

/** Generates (or returns the cached) demo PKI for these options. */
export function generateDemoPki(opts: DemoPkiOptions): DemoPki {
  const now = opts.now ?? new Date();
  const day = Math.floor(now.getTime() / DAY) * DAY;
  const clientKeyType = opts.clientKeyType ?? 'ecdsa-p256';
  const cacheId = JSON.stringify([opts.seed, opts.serverKeyType, opts.serverName, day, !!opts.expired, clientKeyType]);
  const cached = pkiCache.get(cacheId);
  if (cached) return copyPki(cached);

  const seed = opts.seed;
  const certRng = (label: string) => seededRng(seed, `pki:cert:${label}`);
  const leafFrom = opts.expired ? new Date(day - 400 * DAY) : new Date(day - DAY);
  const leafTo = opts.expired ? new Date(day - 30 * DAY) : new Date(day + 365 * DAY);
  const { rootDer, intermediateDer, clientRootDer, interName, interKey, clientRootName, clientRootKey } = demoCas(seed, day);
  const serverKey = demoKey(seed, 'server', opts.serverKeyType);
  const clientKey = demoKey(seed, 'client', clientKeyType);

  const isIp = parseIpAddress(opts.serverName) !== null;
  const leafDer = buildCertificate({
    subject: [
      ['O', 'TLS Lab'],
      ['CN', opts.serverName],
    ],
    publicKey: serverKey.publicKey,
    issuer: { name: interName, key: interKey },
    notBefore: leafFrom,
    notAfter: leafTo,
    ca: { ca: false },
    // RFC 5280 §4.2.1.3: RSA keys may also transport the TLS 1.2 premaster (keyEncipherment).
    keyUsage: opts.serverKeyType === 'rsa-2048' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extKeyUsage: [OID.serverAuth],
    ...(isIp ? { ips: [opts.serverName] } : { dns: [opts.serverName] }),
    rng: certRng('server'),
  });
  const clientLeafDer = buildCertificate({
    subject: [
      ['O', 'TLS Lab'],
      ['CN', 'TLS Lab demo client'],
    ],
    publicKey: clientKey.publicKey,
    issuer: { name: clientRootName, key: clientRootKey },
    notBefore: new Date(day - DAY),
    notAfter: new Date(day + 365 * DAY),
    ca: { ca: false },
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OID.clientAuth],
    rng: certRng('client'),
  });
  const pki: DemoPki = {
    rootDer,
    intermediateDer,
    serverChain: [leafDer, intermediateDer],
    serverKey,
    clientRootDer,
    clientChain: [clientLeafDer],
    clientKey,
  };
  if (pkiCache.size > 32) pkiCache.clear();
  pkiCache.set(cacheId, pki);
  return copyPki(pki);
}

interface DemoCas {
  rootDer: Uint8Array;
  intermediateDer: Uint8Array;
  clientRootDer: Uint8Array;
  interName: NameSpec;
  interKey: PrivateKey;
  clientRootName: NameSpec;
  clientRootKey: PrivateKey;
}

const caCache = new Map<string, DemoCas>();

/**
 * The CAs of a seed (root, intermediate, client root) for the UTC day `day`: made once and
 * reused by every run of that seed whatever its other settings (key type, server name, an
 * expired leaf), as a real PKI's CAs outlive the leaves they issue.
 */
function demoCas(seed: string, day: number): DemoCas {
  const id = `${seed}\u0000${day}`;
  const cached = caCache.get(id);
  if (cached) return cached;
  const certRng = (label: string) => seededRng(seed, `pki:cert:${label}`);
  const caFrom = new Date(day - DAY);
  const caTo = new Date(day + 10 * 365 * DAY);

  const rootKey = demoKey(seed, 'root', 'ecdsa-p256');
  const interKey = demoKey(seed, 'intermediate', 'ecdsa-p256');
  const clientRootKey = demoKey(seed, 'client-root', 'ecdsa-p256');

  // The seed names the CAs (so roots of different runs differ); CN is at most 64 characters (RFC 5280 ub-common-name).
  const tag = seed.length > 24 ? `${seed.slice(0, 23)}…` : seed;
  const rootName: NameSpec = [
    ['O', 'TLS Lab'],
    ['CN', `TLS Lab Demo Root CA ${tag}`],
  ];
  const interName: NameSpec = [
    ['O', 'TLS Lab'],
    ['CN', `TLS Lab Demo Intermediate CA ${tag}`],
  ];
  const clientRootName: NameSpec = [
    ['O', 'TLS Lab'],
    ['CN', `TLS Lab Demo Client CA ${tag}`],
  ];

  const rootDer = buildCertificate({
    subject: rootName,
    publicKey: rootKey.publicKey,
    selfKey: rootKey,
    notBefore: caFrom,
    notAfter: caTo,
    ca: { ca: true },
    keyUsage: ['keyCertSign', 'crlSign'],
    rng: certRng('root'),
  });
  const intermediateDer = buildCertificate({
    subject: interName,
    publicKey: interKey.publicKey,
    issuer: { name: rootName, key: rootKey },
    notBefore: caFrom,
    notAfter: caTo,
    ca: { ca: true, pathLen: 0 },
    keyUsage: ['keyCertSign', 'crlSign'],
    rng: certRng('intermediate'),
  });
  const clientRootDer = buildCertificate({
    subject: clientRootName,
    publicKey: clientRootKey.publicKey,
    selfKey: clientRootKey,
    notBefore: caFrom,
    notAfter: caTo,
    ca: { ca: true, pathLen: 0 },
    keyUsage: ['keyCertSign', 'crlSign'],
    rng: certRng('client-root'),
  });
  const cas: DemoCas = { rootDer, intermediateDer, clientRootDer, interName, interKey, clientRootName, clientRootKey };
  if (caCache.size > 32) caCache.clear();
  caCache.set(id, cas);
  return cas;
}

/** Fresh byte arrays for each caller (a fault-injecting caller may mutate them). */
function copyPki(p: DemoPki): DemoPki {
  return {
    ...p,
    rootDer: p.rootDer.slice(),
    intermediateDer: p.intermediateDer.slice(),
    serverChain: p.serverChain.map((c) => c.slice()),
    clientRootDer: p.clientRootDer.slice(),
    clientChain: p.clientChain.map((c) => c.slice()),
  };
}
