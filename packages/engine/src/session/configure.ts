/**
 * The two endpoints' configurations for a run: what the client offers and the server accepts
 * (suites, versions, groups, RFC 8446 §4.1.1 / RFC 5246 §7.4.1), the certificates of
 * session/credentials.ts, and the faults a peer commits itself. Each choice a fault or an
 * option forces is said in a note.
 */
import type { CipherSuiteName, ClientConfig, GroupName, ServerConfig } from '../config';
import type { ClientFault } from '../faults/faulty-client';
import type { ServerFault } from '../faults/faulty-server';
import { TLS12_SUITES } from '../crypto/tls12-suites';
import { TLS13_SUITES } from '../crypto/tls13-suites';
import { seededRng } from '../crypto/rng';
import type { EventSink, TlsVersionName } from '../events';
import type { Scenario } from '../scenario';
import type { ClientCredentials, ServerCredentials } from './credentials';
import type { Note } from './event-log';

const TLS13_NAMES = TLS13_SUITES.map((s) => s.name);
const TLS12_NAMES: CipherSuiteName[] = TLS12_SUITES.map((s) => s.name);

/** The name the client asks for and checks its peer's certificate for: the host, unless the wrong-host fault changes it (RFC 6125 §6). */
export function askedName(sc: Scenario, host: string): string {
  return sc.fault === 'wrong-host' ? `wrong-host.${host}` : host;
}

/** What the two sides offer and accept. */
export interface Offer {
  versions: TlsVersionName[];
  clientSuites?: CipherSuiteName[];
  serverSuites?: CipherSuiteName[];
  /** The name the client asks for and checks (the wrong-host fault changes it). */
  serverName: string;
}

/** The versions, suites and server name of the run, with the faults that change them. */
export function offerOf(sc: Scenario, host: string, note: Note): Offer {
  const versionSuites = sc.version === 'TLS 1.3' ? TLS13_NAMES : TLS12_NAMES;
  if (sc.cipherSuite && !versionSuites.includes(sc.cipherSuite)) {
    note('server', `${sc.cipherSuite} is not a ${sc.version} cipher suite, so the server accepts no suite the client offers in this ${sc.version} run.`);
  }
  let clientSuites: CipherSuiteName[] | undefined;
  let serverSuites: CipherSuiteName[] | undefined = sc.cipherSuite ? [sc.cipherSuite] : undefined;
  if (sc.fault === 'no-common-suite') {
    serverSuites = [sc.cipherSuite ?? versionSuites[0]!];
    clientSuites = versionSuites.filter((s) => s !== serverSuites![0]);
    note('client', `Fault: the client offers only ${clientSuites.join(', ')}; the server accepts only ${serverSuites[0]}.`);
  }
  // The downgrade fault: both sides speak both versions, so the MITM has something to remove.
  const downgrade = sc.fault === 'downgrade' && sc.version === 'TLS 1.3';
  const versions: TlsVersionName[] = downgrade ? ['TLS 1.3', 'TLS 1.2'] : [sc.version];
  if (downgrade) {
    serverSuites = undefined;
    note('client', 'Fault: client and server both speak TLS 1.3 and TLS 1.2; a man in the middle will remove TLS 1.3 from the ClientHello.');
    if (sc.cipherSuite) note('client', `The downgrade fault uses each side's default suites for both versions, not only ${sc.cipherSuite}.`);
  } else if (sc.fault === 'downgrade') {
    note('client', 'The downgrade fault needs a TLS 1.3 run (a client and server that could have used TLS 1.3); this TLS 1.2 run is unaffected.');
  }
  const serverName = askedName(sc, host);
  if (sc.fault === 'wrong-host') note('client', `Fault: the client asks for "${serverName}", a name the certificate does not hold.`);
  return { versions, ...(clientSuites ? { clientSuites } : {}), ...(serverSuites ? { serverSuites } : {}), serverName };
}

/** Everything the configurations are made from. */
export interface EndpointSetup {
  sc: Scenario;
  sink: EventSink;
  at: Date;
  sendSni: boolean;
  mutual: boolean;
  offer: Offer;
  server: ServerCredentials;
  trust: { anchors: Uint8Array[]; crls: Uint8Array[] };
  client: ClientCredentials;
}

/** The client's and the server's configurations (without faults or resumption). */
export function endpointConfigs(s: EndpointSetup): { clientCfg: ClientConfig; serverCfg: ServerConfig } {
  const { sc, offer, mutual } = s;
  const other: GroupName = sc.group === 'x25519' ? 'secp256r1' : 'x25519';
  const policy = sc.policy ? { policy: sc.policy } : {};
  const clientCfg: ClientConfig = {
    rng: seededRng(sc.seed, 'client'),
    sink: s.sink,
    now: s.server.clientNow,
    versions: offer.versions,
    ...(offer.clientSuites ? { cipherSuites: offer.clientSuites } : {}),
    groups: [sc.group, other],
    keyShareGroups: [sc.helloRetry ? other : sc.group],
    alpn: ['h2', 'http/1.1'],
    serverName: offer.serverName,
    ...(s.sendSni ? {} : { sendServerName: false }),
    ...(sc.extendedMasterSecret === false ? { extendedMasterSecret: false } : {}),
    trustAnchors: s.trust.anchors,
    peerVerification: { ...policy, ...(s.trust.crls.length ? { crls: s.trust.crls } : {}) },
    ...(mutual && sc.fault !== 'no-client-certificate' ? { clientCert: { chain: s.client.chain, ...(s.client.key ? { key: s.client.key } : {}) } } : {}),
  };
  const serverCfg: ServerConfig = {
    rng: seededRng(sc.seed, 'server'),
    sink: s.sink,
    now: s.at,
    versions: offer.versions,
    ...(offer.serverSuites ? { cipherSuites: offer.serverSuites } : {}),
    // With helloRetry the server accepts only the scenario's group, for which the client sent no share.
    groups: sc.helloRetry ? [sc.group] : [sc.group, other],
    ...(sc.helloRetry ? { helloRetryCookie: true } : {}),
    alpn: ['http/1.1'],
    cert: { chain: s.server.chain, ...(s.server.key ? { key: s.server.key } : {}) },
    ...(mutual ? { clientAuth: 'require' as const, clientTrustAnchors: s.client.anchors } : {}),
    peerVerification: { ...policy, ...(mutual && sc.clientEmail ? { email: sc.clientEmail } : {}) },
  };
  return { clientCfg, serverCfg };
}

/** The faults each peer commits itself: a faulty client / faulty server is made for them (faults/). */
export interface PeerFaults {
  client: ClientFault[];
  server: ServerFault[];
}

/**
 * The faults a peer commits itself (faulty client / faulty server): values it computes wrong
 * inside its own record protection (RFC 8446 §5.2), where a man in the middle could not change
 * them. A fault may also change the server's configuration (RSA key transport).
 */
export function endpointFaults(sc: Scenario, serverCfg: ServerConfig, note: Note): PeerFaults {
  const faults: PeerFaults = { client: [], server: [] };
  if (sc.version === 'TLS 1.3') {
    // The server computes the wrong value itself: inside its own record protection (RFC 8446 §5.2).
    if (sc.fault === 'bad-server-finished') faults.server.push('tls13-bad-finished');
    if (sc.fault === 'bad-signature') faults.server.push('tls13-bad-signature');
  }
  if (sc.version === 'TLS 1.2') {
    // TLS 1.2 faults the peers commit themselves (faults/faulty-client.ts, faults/faulty-server.ts): inside records a MITM cannot rewrite.
    if (sc.fault === 'bad-premaster' || sc.fault === 'bad-premaster-padding') {
      faults.client.push(sc.fault === 'bad-premaster' ? 'tls12-corrupt-premaster' : 'tls12-bad-premaster-padding');
      if (!sc.cipherSuite?.startsWith('TLS_RSA_')) {
        serverCfg.cipherSuites = ['TLS_RSA_WITH_AES_128_GCM_SHA256'];
        note('client', `The ${sc.fault} fault needs RSA key transport: this run uses TLS_RSA_WITH_AES_128_GCM_SHA256.`);
      }
      if (sc.serverKeyType !== 'rsa-2048') note('client', `The ${sc.fault} fault needs an RSA server certificate (choose the RSA key type).`);
    }
    if (sc.fault === 'bad-server-finished') faults.server.push('tls12-bad-finished');
    if (sc.fault === 'bad-signature') faults.server.push('tls12-bad-signature');
  }
  return faults;
}
