/**
 * A Session runs a client and a server in one process over an in-memory wire and reports
 * everything both sides do as one ordered event stream, in delivery order with its steps
 * (steps.ts). This is what the app (in its Worker) and `tlslab simulate` run: a real handshake
 * between two real endpoints, each record delivered on its own, with an optional man in the
 * middle that breaks the run on purpose (scenario.fault). Same scenario + same seed → the same
 * bytes.
 */
import { utf8 } from './codec/hex';
import type { CipherSuiteName, ClientConfig, EndpointFault, GroupName, ResumptionTicket, ServerConfig } from './config';
import { TLS13_SUITES } from './crypto/tls13-suites';
import { TLS12_SUITES } from './crypto/tls12-suites';
import type { PrivateKey } from './crypto/keys';
import { seededRng } from './crypto/rng';
import type { AppDataPhase, EventSink, TlsEvent, TlsEventBody, TlsVersionName, Side } from './events';
import { mergeNegotiated, negotiatedForSummary } from './negotiated';
import type { AlertDescription } from './errors';
import { ContentType, HandshakeType } from './msgs/enums';
import { RECORD_HEADER_LEN } from './msgs/record';
import { generateDemoPki } from './pki/demo';
import { describePublicKey, parseCertificateCached, parsePemBundle, publicKeysEqual, type ParsedCertificate } from './pki/parse';
import { hostnameCheck } from './pki/verify';
import { parseCrlBundle } from './pki/crl';
import { createEventLog } from './io/stamp';
import { inDeliveryOrder } from './steps';
import { createClient, type TlsClient } from './client/client';
import { createServer, type TlsServer } from './server/server';
import { MemoryAntiReplay } from './server/antireplay';
import { checkServerName, clockFromSeed, DEFAULT_SCENARIO, type Scenario } from './scenario';

/** What a run ended with. */
export interface RunSummary {
  /** Handshake done, request answered, both sides closed with close_notify. */
  ok: boolean;
  version?: TlsVersionName;
  cipherSuite?: string;
  group?: string;
  /** The first fatal alert sent by either side. */
  alert?: string;
  /** Why (the sender's reason for that alert, or a setup problem). */
  error?: string;
  /** Number of events emitted. */
  events: number;
  /** A resumption run: whether the handshake resumed with the ticket's PSK. */
  resumed?: boolean;
}

type RecordEvent = Extract<TlsEventBody, { type: 'record' }>;

const TLS13_NAMES = TLS13_SUITES.map((s) => s.name);
const TLS12_NAMES: CipherSuiteName[] = TLS12_SUITES.map((s) => s.name);

/** The HTTP/1.1 answer of the simulated server (echoes what was negotiated). */
function httpResponse(version: string, suite: string): Uint8Array {
  const body = `Hello from TLS Lab! This answer was protected with ${version} and ${suite}.\n`;
  return utf8.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${utf8.encode(body).length}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Runs a scenario to the end, emitting every event of both sides (stamped) to `emit`.
 * Never throws for TLS failures (they end in alerts); setup problems (an unusable pasted
 * PEM) end the run with `ok: false` and `error`.
 */
export interface RunOptions {
  /**
   * A man in the middle of your own: sees every record (after the scenario's fault, if any)
   * and returns the bytes to deliver, or null to drop the record.
   */
  mitm?: (from: Side, record: Uint8Array) => Uint8Array | null;
  /**
   * Emit the events in the order the endpoints produced them, without steps, instead of in
   * delivery order (steps.ts): for tests of the ordering itself.
   */
  engineOrder?: boolean;
}

export function runScenario(scenario: Scenario, emit: (e: TlsEvent) => void, options: RunOptions = {}): RunSummary {
  if (options.engineOrder) return runInEngineOrder(scenario, emit, options);
  const log: TlsEvent[] = [];
  const summary = runInEngineOrder(scenario, (e) => log.push(e), options);
  // The endpoints report in the order they ran; the run reports in the order records are read (steps.ts).
  for (const e of inDeliveryOrder(log)) emit(e);
  return summary;
}

/** The run itself: both endpoints' events in the order the engine produced them. */
function runInEngineOrder(scenario: Scenario, emit: (e: TlsEvent) => void, options: RunOptions): RunSummary {
  const sc: Scenario = { ...DEFAULT_SCENARIO, ...scenario };
  const log = createEventLog(emit);
  // The run's clock comes from the scenario (the link's t=) or the seed, never from the machine.
  const at = new Date(sc.at ?? clockFromSeed(sc.seed));
  const sentRecords = new WeakMap<Uint8Array, RecordEvent>();
  // Which flight each record travels in, and when in the handshake application data goes.
  const flightOf = new Map<string, number>();
  const phaseOf = new Map<string, AppDataPhase>();
  let flight = 0;
  let lastSender: Side | undefined;
  // The endpoints, once made (the sink asks them whether they are connected yet).
  const endpoints: { client?: TlsClient; server?: TlsServer } = {};
  const endpointFault = endpointFaultFor(sc);
  const sink: EventSink = (e) => {
    if (e.type === 'record' && e.direction === 'sent') {
      sentRecords.set(e.bytes, e);
      if (!flightOf.has(e.recordId)) {
        if (e.side !== lastSender) flight++;
        lastSender = e.side;
        flightOf.set(e.recordId, flight);
      }
    }
    if (e.type === 'appdata') {
      let phase = phaseOf.get(e.recordId);
      if (!phase) {
        const sender = endpoints[e.side];
        phase = sender?.connected ? 'application' : e.side === 'client' ? 'early' : 'half-rtt';
        phaseOf.set(e.recordId, phase);
      }
      const f = flightOf.get(e.recordId);
      log.sink({ ...e, phase, ...(f !== undefined ? { flight: f } : {}) });
      return;
    }
    log.sink(e);
    // A fault an endpoint commits is reported on the message that carries the wrong value.
    if (endpointFault && e.type === 'handshake' && e.direction === 'sent' && e.side === endpointFault.culprit && endpointFault.messages.includes(e.name)) {
      const ok = endpointFault.when?.(log.events) ?? true;
      if (ok) log.sink({ type: 'fault', side: e.side, fault: sc.fault, actor: 'faulty-peer', culprit: e.side, recordId: e.recordId, message: e.name, ...endpointFault.report(e.name) });
    }
  };
  const note = (side: Side, text: string, rfc?: string) => sink({ type: 'note', side, text, ...(rfc ? { rfc } : {}) });
  const fail = (error: string): RunSummary => {
    note('client', error);
    return { ok: false, error, events: log.events.length };
  };
  if (Number.isNaN(at.getTime())) return fail(`The run's time "${sc.at}" is not a valid ISO time (e.g. 2026-01-31T12:00:00Z).`);
  const name = checkServerName(sc.serverName);
  if (!name.ok) return fail(`The server name "${sc.serverName}" cannot be used: ${name.reason}`);
  // The A-label form, once: in server_name, in the demo certificate's dNSName, in the Host header.
  const host = name.forms.aLabel;
  // RFC 6066 §3: no IP literal in server_name.
  const sendSni = sc.sni !== false && !name.ip;
  const mutual = sc.mutual || sc.fault === 'no-client-certificate';
  sink({
    type: 'run',
    side: 'client',
    at: at.toISOString(),
    atSource: sc.at ? 'scenario' : 'seed',
    serverName: sendSni ? name.forms : null,
    checkedName: sc.fault === 'wrong-host' ? `wrong-host.${host}` : host,
    clientAuth: !mutual ? 'off' : sc.mutual ? 'mutual-setting' : 'no-client-certificate-fault',
    offersExtendedMasterSecret: sc.extendedMasterSecret !== false,
  });
  if (sc.sni === false) note('client', `The client sends no server_name (SNI): the server cannot tell which host is wanted and presents its only certificate, which the client still checks for "${host}".`, 'RFC 6066 §3');
  const setup = setupFault(sc);
  if (setup) sink({ type: 'fault', fault: sc.fault, actor: 'setup', ...setup });

  // ---- certificates --------------------------------------------------------------------------
  const pki = generateDemoPki({
    seed: sc.seed,
    serverKeyType: sc.serverKeyType,
    serverName: host,
    now: at,
    expired: sc.fault === 'expired-certificate',
  });
  let serverChain = pki.serverChain;
  let serverKey: PrivateKey | undefined = pki.serverKey;
  /** When the client checks the server's chain (the expired-certificate fault moves it past a pasted leaf's notAfter). */
  let clientNow = at;
  if (sc.pastedChainPem) {
    const bundle = parsePemBundle(sc.pastedChainPem);
    if (bundle.certificates.length === 0) return fail(`The pasted chain has no certificate: ${bundle.problems.join('; ') || 'nothing found'}`);
    serverChain = bundle.certificates;
    for (const p of bundle.problems) note('server', `Pasted chain: ${p}`);
    const leaf = parsedLeaf(serverChain[0]!);
    serverKey = pastedKey('server', sc.pastedKeyPem, bundle.keys, leaf, (text) => note('server', text));
    if (leaf && !leaf.publicKey) {
      note('server', `The pasted certificate's key (${leaf.keyProblem ?? leaf.keyDescription}) cannot sign a handshake here (ECDSA P-256/P-384, RSA and Ed25519 can): the server cannot prove it owns the certificate.`);
    }
    const names = leaf && hostnameCheck(leaf, host);
    if (names && !names.pass) {
      note('client', `The client connects to "${host}", which the pasted certificate does not name (${names.compared}): its host-name check will fail. Set the server name to a name the certificate holds to check it as a browser would.`);
    }
    if (leaf && sc.fault === 'expired-certificate') {
      // A pasted certificate cannot be re-issued expired: the client checks it a day after its notAfter instead.
      clientNow = new Date(leaf.notAfter.getTime() + 86_400_000);
      note('client', `Fault: the client checks the pasted certificate at ${clientNow.toISOString()}, a day after it expired.`);
    }
  }
  const anchors = sc.fault === 'untrusted-root' ? [pki.clientRootDer] : [pki.rootDer];
  if (sc.extraTrustPem && sc.fault === 'untrusted-root') {
    note('client', 'Fault: the client does not trust the added roots either.');
  } else if (sc.extraTrustPem) {
    const tb = parsePemBundle(sc.extraTrustPem);
    anchors.push(...tb.certificates);
    for (const p of tb.problems) note('client', `Added trust anchors: ${p}`);
  }
  if (sc.fault === 'untrusted-root') note('client', 'Fault: the client does not trust the demo root CA.');
  // Pasted CRLs: the client checks the server's chain against them (RFC 5280 §6.3); the policy is both sides'.
  const crls: Uint8Array[] = [];
  if (sc.crlPem?.trim()) {
    const cb = parseCrlBundle(sc.crlPem);
    crls.push(...cb.crls);
    for (const p of cb.problems) note('client', `Pasted CRL: ${p}`);
  }
  const policy = sc.policy ? { policy: sc.policy } : {};

  // ---- configuration -------------------------------------------------------------------------
  const versionSuites = sc.version === 'TLS 1.3' ? TLS13_NAMES : TLS12_NAMES;
  if (sc.cipherSuite && !versionSuites.includes(sc.cipherSuite)) {
    note('server', `${sc.cipherSuite} is not a ${sc.version} cipher suite, so the server accepts no suite the client offers in this ${sc.version} run.`);
  }
  const other: GroupName = sc.group === 'x25519' ? 'secp256r1' : 'x25519';
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
  const serverName = sc.fault === 'wrong-host' ? `wrong-host.${host}` : host;
  if (sc.fault === 'wrong-host') note('client', `Fault: the client asks for "${serverName}", a name the certificate does not hold.`);
  let clientChain = pki.clientChain;
  let clientKey: PrivateKey | undefined = pki.clientKey;
  const clientAnchors = [pki.clientRootDer];
  if (sc.pastedClientChainPem && mutual) {
    const bundle = parsePemBundle(sc.pastedClientChainPem);
    if (bundle.certificates.length === 0) return fail(`The pasted client chain has no certificate: ${bundle.problems.join('; ') || 'nothing found'}`);
    clientChain = bundle.certificates;
    for (const p of bundle.problems) note('client', `Pasted client chain: ${p}`);
    clientKey = pastedKey('client', sc.pastedClientKeyPem, bundle.keys, parsedLeaf(clientChain[0]!), (text) => note('client', text));
  } else if (sc.pastedClientChainPem) {
    note('client', 'A client certificate was pasted, but this run is not mutual TLS: the server does not ask for it.');
  }
  if (sc.extraClientTrustPem) {
    const tb = parsePemBundle(sc.extraClientTrustPem);
    clientAnchors.push(...tb.certificates);
    for (const p of tb.problems) note('server', `Added client trust anchors: ${p}`);
  }

  const clientCfg: ClientConfig = {
    rng: seededRng(sc.seed, 'client'),
    sink,
    now: clientNow,
    versions,
    ...(clientSuites ? { cipherSuites: clientSuites } : {}),
    groups: [sc.group, other],
    keyShareGroups: [sc.helloRetry ? other : sc.group],
    alpn: ['h2', 'http/1.1'],
    serverName,
    ...(sendSni ? {} : { sendServerName: false }),
    ...(sc.extendedMasterSecret === false ? { extendedMasterSecret: false } : {}),
    trustAnchors: anchors,
    peerVerification: { ...policy, ...(crls.length ? { crls } : {}) },
    ...(mutual && sc.fault !== 'no-client-certificate' ? { clientCert: { chain: clientChain, ...(clientKey ? { key: clientKey } : {}) } } : {}),
  };
  const serverCfg: ServerConfig = {
    rng: seededRng(sc.seed, 'server'),
    sink,
    now: at,
    versions,
    ...(serverSuites ? { cipherSuites: serverSuites } : {}),
    // With helloRetry the server accepts only the scenario's group, for which the client sent no share.
    groups: sc.helloRetry ? [sc.group] : [sc.group, other],
    ...(sc.helloRetry ? { helloRetryCookie: true } : {}),
    alpn: ['http/1.1'],
    cert: { chain: serverChain, ...(serverKey ? { key: serverKey } : {}) },
    ...(mutual ? { clientAuth: 'require' as const, clientTrustAnchors: clientAnchors } : {}),
    peerVerification: { ...policy, ...(mutual && sc.clientEmail ? { email: sc.clientEmail } : {}) },
  };
  if (sc.fault === 'no-client-certificate') note('client', 'Fault: the server requires a client certificate and the client has none.');
  if ((sc.fault === 'bad-premaster' || sc.fault === 'bad-premaster-padding') && sc.version === 'TLS 1.3') {
    note('client', `The ${sc.fault} fault applies to TLS 1.2 RSA key exchange only; this TLS 1.3 run is unaffected.`);
  }
  if (sc.version === 'TLS 1.3') {
    // The server computes the wrong value itself: inside its own record protection (RFC 8446 §5.2).
    if (sc.fault === 'bad-server-finished') serverCfg.faults = ['tls13-bad-finished'];
    if (sc.fault === 'bad-signature') serverCfg.faults = ['tls13-bad-signature'];
  }
  if (sc.version === 'TLS 1.2') {
    // TLS 1.2 faults the endpoints commit themselves (client/tls12.ts, server/tls12.ts): inside records a MITM cannot rewrite.
    const clientFaults: EndpointFault[] = [];
    const serverFaults: EndpointFault[] = [];
    if (sc.fault === 'bad-premaster' || sc.fault === 'bad-premaster-padding') {
      clientFaults.push(sc.fault === 'bad-premaster' ? 'tls12-corrupt-premaster' : 'tls12-bad-premaster-padding');
      if (!sc.cipherSuite?.startsWith('TLS_RSA_')) {
        serverCfg.cipherSuites = ['TLS_RSA_WITH_AES_128_GCM_SHA256'];
        note('client', `The ${sc.fault} fault needs RSA key transport: this run uses TLS_RSA_WITH_AES_128_GCM_SHA256.`);
      }
      if (sc.serverKeyType !== 'rsa-2048') note('client', `The ${sc.fault} fault needs an RSA server certificate (choose the RSA key type).`);
    }
    if (sc.fault === 'bad-server-finished') serverFaults.push('tls12-bad-finished');
    if (sc.fault === 'bad-signature') serverFaults.push('tls12-bad-signature');
    if (clientFaults.length > 0) clientCfg.faults = clientFaults;
    if (serverFaults.length > 0) serverCfg.faults = serverFaults;
  }

  if (sc.earlyData && !sc.resumption) note('client', '0-RTT early data needs a resumed session: turn on resumption too. This run sends no early data.', 'RFC 8446 §2.3');
  if (sc.resumption && sc.version !== 'TLS 1.3') {
    note('client', 'Resumption with a session ticket is a TLS 1.3 option here: this TLS 1.2 run is a full handshake.');
  } else if (sc.resumption) {
    // Both connections share the server's ticket key; the shown one gets a new ticket too, as real servers do.
    serverCfg.sessionTickets = 1;
    serverCfg.ticketKey = seededRng(sc.seed, 'ticket key')(32);
    if (sc.earlyData) serverCfg.maxEarlyData = 16384;
    // RFC 8446 §8.2: the server records the ClientHellos it takes 0-RTT from, so a replay's early data is rejected.
    serverCfg.antiReplay = new MemoryAntiReplay();
    const ticket = earlierTicket(clientCfg, serverCfg, sc.seed);
    if (ticket.ticket) {
      clientCfg.resume = ticket.ticket;
      note(
        'client',
        `This run resumes a session. Its ticket came from an earlier full handshake between the same client and server (same settings, its own random values from seed "${sc.seed}"; its events are not shown): ${ticket.summary}.`,
        'RFC 8446 §2.2',
      );
      if (sc.earlyData) clientCfg.earlyData = utf8.encode(sc.request ?? `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      if (sc.fault === 'bad-signature') note('client', 'The bad-signature fault flips a bit of the server’s CertificateVerify, and a resumed handshake has none: this run is unaffected.', 'RFC 8446 §2.2');
    } else {
      note('client', `No ticket to resume with: the earlier full handshake ${ticket.summary}. This run is a full handshake.`, 'RFC 8446 §2.2');
    }
  }

  const c = createClient(clientCfg);
  const s = createServer(serverCfg);
  endpoints.client = c;
  endpoints.server = s;

  // ---- the wire ------------------------------------------------------------------------------
  // An on-path change: a note on the record (tampered) and the fault, on the receiver's side.
  const onPath: OnPathReport = (from, recordId, text, rfc, expectedAlert) => {
    const to: Side = from === 'client' ? 'server' : 'client';
    sink({ type: 'note', side: to, text, rfc, recordId, tampered: true });
    sink({ type: 'fault', side: to, fault: sc.fault, actor: 'on-path-attacker', culprit: 'network', recordId, expectedAlert, text, rfc });
  };
  const mitm = makeMitm(sc, sentRecords, onPath);
  const queue: { from: Side; bytes: Uint8Array }[] = [];
  const push = (from: Side, records: Uint8Array[]) => {
    for (const bytes of records) queue.push({ from, bytes });
  };
  const request = utf8.encode(sc.request ?? `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  // 0-RTT: the request already went with the ClientHello; sent again only if the server rejects it.
  let requestSent = clientCfg.earlyData !== undefined;
  let responded = false;
  let resent = false;
  let gotResponse = false;
  let clientClosing = false;

  push('client', c.start());
  for (let steps = 0; queue.length > 0 && steps < 10_000; steps++) {
    const item = queue.shift()!;
    let bytes = mitm(item.from, item.bytes);
    if (bytes && options.mitm) bytes = options.mitm(item.from, bytes);
    if (!bytes) continue;
    const to: TlsClient | TlsServer = item.from === 'client' ? s : c;
    push(item.from === 'client' ? 'server' : 'client', to.receive(bytes));

    if (c.connected && c.earlyData === 'rejected' && requestSent && !resent) {
      resent = true;
      note('client', 'The server rejected the 0-RTT request: the client sends it again now.', 'RFC 8446 §4.2.10');
      push('client', c.send(request));
    }
    if (c.connected && !requestSent) {
      requestSent = true;
      push('client', c.send(request));
    }
    // The server answers as soon as it has the request: 0-RTT data it accepted is answered in
    // its first flight, right after its Finished (0.5-RTT data, RFC 8446 §2.3 Figure 4).
    if (s.canSend && !responded) {
      const got = s.readAppData();
      if (got.length > 0) {
        responded = true;
        if (!s.connected) {
          note(
            'server',
            'Answering the accepted 0-RTT request now, in the first flight after our Finished (0.5-RTT data), before the client’s Finished.',
            'RFC 8446 §2.3',
          );
        }
        const neg = mergeNegotiated(log.events, 'server');
        push('server', s.send(httpResponse(neg.version ?? sc.version, neg.cipherSuite ?? '?')));
      }
    }
    if (c.connected && !clientClosing) {
      const got = c.readAppData();
      if (got.length > 0) {
        gotResponse = true;
        clientClosing = true;
        push('client', c.close());
      }
    }
  }

  const neg = negotiatedForSummary(log.events, 'client');
  const firstAlert = log.events.find((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal') as
    | Extract<TlsEvent, { type: 'alert' }>
    | undefined;
  const ok = gotResponse && !firstAlert && c.closed && s.closed;
  return {
    ok,
    ...neg,
    ...(firstAlert ? { alert: String(firstAlert.description), error: firstAlert.reason ?? String(firstAlert.description) } : {}),
    ...(!ok && !firstAlert ? { error: gotResponse ? 'the connection did not close cleanly' : 'the run stopped before the exchange completed' } : {}),
    events: log.events.length,
  };
}

/**
 * The earlier full handshake of a resumption run: the same configurations with their own
 * random streams and no events, pumped until both sides are quiet. Returns the client's first
 * ticket, or why there is none.
 */
function earlierTicket(clientCfg: ClientConfig, serverCfg: ServerConfig, seed: string): { ticket?: ResumptionTicket; summary: string } {
  let alert: string | undefined;
  const quiet: EventSink = (e) => {
    if (e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal') alert ??= `${e.side} sent ${String(e.description)}${e.reason ? ` (${e.reason})` : ''}`;
  };
  // The earlier connection is a good one: the run's faults are for the run shown.
  const client = createClient({ ...clientCfg, rng: seededRng(seed, 'earlier client'), sink: quiet, faults: [] });
  const server = createServer({ ...serverCfg, rng: seededRng(seed, 'earlier server'), sink: quiet, faults: [] });
  const queue: { from: Side; bytes: Uint8Array }[] = client.start().map((bytes) => ({ from: 'client' as const, bytes }));
  for (let steps = 0; queue.length > 0 && steps < 1000; steps++) {
    const item = queue.shift()!;
    const out = (item.from === 'client' ? server : client).receive(item.bytes);
    for (const bytes of out) queue.push({ from: item.from === 'client' ? 'server' : 'client', bytes });
  }
  const t = client.tickets[0];
  if (!t) return { summary: alert ? `failed: ${alert}` : 'ended without a NewSessionTicket' };
  return {
    ticket: t,
    summary: `${t.cipherSuite}, a ${t.ticket.length}-byte ticket for "${t.serverName ?? ''}", ticket_lifetime ${t.lifetime} s, ticket_age_add ${t.ageAdd}`,
  };
}

/**
 * The private key for a pasted chain: from the key paste (or a key pasted along with the
 * chain). A key that is unusable or belongs to another certificate is reported and left out,
 * so the side presents the chain without a key (it cannot prove it owns the certificate).
 */
function pastedKey(who: Side, keyPem: string | undefined, keysWithChain: PrivateKey[], leaf: ParsedCertificate | undefined, note: (text: string) => void): PrivateKey | undefined {
  const candidates = [...keysWithChain];
  if (keyPem?.trim()) {
    const kb = parsePemBundle(keyPem);
    candidates.push(...kb.keys);
    if (kb.keys.length === 0) note(`The pasted private key is not usable: ${kb.problems.join('; ') || 'no private key found'}. The ${who} goes on without a private key.`);
  } else if (candidates.length === 0) {
    note(`No private key was pasted for this certificate: the ${who === 'server' ? 'client' : 'server'} can check the chain, but the ${who} cannot prove it owns it.`);
  }
  // No leaf key (unreadable or unsupported): the peer's checks say why.
  const leafKey = leaf?.publicKey;
  if (candidates.length === 0 || !leafKey) return undefined;
  const match = candidates.find((k) => publicKeysEqual(k.publicKey, leafKey));
  if (!match) {
    note(
      `The pasted private key (${describePublicKey(candidates[0]!.publicKey)}) does not belong to the first certificate, whose public key is ${describePublicKey(leafKey)}: the ${who} goes on without a private key.`,
    );
  }
  return match;
}

/** A pasted leaf, parsed (parsePemBundle only keeps certificates that parse). */
function parsedLeaf(der: Uint8Array): ParsedCertificate | undefined {
  try {
    return parseCertificateCached(der);
  } catch {
    return undefined;
  }
}

/**
 * The man in the middle. It sees every record; for faults that change what is inside a
 * protected record it uses the sender's own record details (key, nonce, plaintext from the
 * sender's `record` event) to re-encrypt a modified plaintext — an attacker who knew the
 * keys. Returns the bytes to deliver (null drops the record).
 */
type FaultReport = { expectedAlert: AlertDescription; text: string; rfc: string };

/**
 * A fault an endpoint commits (a faulty peer): which side, in which handshake message, and what
 * to say when it is sent. `when` looks at the run so far (e.g. the premaster faults need RSA).
 */
interface EndpointFaultSpec {
  culprit: Side;
  messages: string[];
  when?: (events: TlsEvent[]) => boolean;
  report: (message: string) => FaultReport;
}

function endpointFaultFor(sc: Scenario): EndpointFaultSpec | undefined {
  const tls13 = sc.version === 'TLS 1.3';
  switch (sc.fault) {
    case 'bad-server-finished':
      return {
        culprit: 'server',
        messages: ['Finished'],
        report: () => ({
          expectedAlert: 'decrypt_error',
          text:
            'Faulty server: it computed a wrong Finished (one bit of its verify_data flipped) and encrypted it under its own key, so the record opens fine. ' +
            'No one on the path could have done this without the keys. The client computes the verify_data it expects, finds a different one and sends decrypt_error.',
          rfc: tls13 ? 'RFC 8446 §4.4.4' : 'RFC 5246 §7.4.9',
        }),
      };
    case 'bad-signature':
      return {
        culprit: 'server',
        messages: [tls13 ? 'CertificateVerify' : 'ServerKeyExchange'],
        report: (m) => ({
          expectedAlert: 'decrypt_error',
          text:
            `Faulty server: its ${m} signature is wrong (one bit flipped after signing)` +
            (tls13 ? ', inside its own encrypted record, which opens fine: no one on the path could have done this without the keys.' : '.') +
            ` The client's signature check with the certificate's public key fails, so it sends decrypt_error.`,
          rfc: tls13 ? 'RFC 8446 §4.4.3' : 'RFC 5246 §7.4.3',
        }),
      };
    case 'bad-premaster':
    case 'bad-premaster-padding':
      if (tls13) return undefined;
      return {
        culprit: 'client',
        messages: ['ClientKeyExchange'],
        when: (events) => events.some((e) => e.type === 'negotiated' && e.side === 'client' && e.keyExchange === 'RSA'),
        report: () => ({
          expectedAlert: 'bad_record_mac',
          text:
            (sc.fault === 'bad-premaster'
              ? 'Faulty client: the premaster it encrypts has a wrong client_version (2.0, not 3.3).'
              : 'Faulty client: its RSA block has wrong PKCS#1 v1.5 padding (00 01 …, not 00 02 …), the case Bleichenbacher’s attack probes.') +
            ' The server must not say so (that would make it a padding oracle): it goes on with a random premaster of its own. ' +
            'The two sides now derive different master secrets and keys, so the server cannot open the client’s encrypted Finished: its AEAD check fails and it sends bad_record_mac.',
          rfc: 'RFC 5246 §7.4.7.1',
        }),
      };
    default:
      return undefined;
  }
}

/** A fault that is in the run's setup (certificates, trust, suites), not in any message. */
function setupFault(sc: Scenario): { side: Side; culprit: Side; expectedAlert: AlertDescription; text: string; rfc: string } | undefined {
  const tls13 = sc.version === 'TLS 1.3';
  switch (sc.fault) {
    case 'wrong-host':
      return { side: 'client', culprit: 'client', expectedAlert: 'bad_certificate', text: 'Setup: the client asks for a host name the server’s certificate does not hold; its host-name check fails.', rfc: 'RFC 6125 §6' };
    case 'expired-certificate':
      return { side: 'client', culprit: 'server', expectedAlert: 'certificate_expired', text: 'Setup: the server presents a certificate that has expired at the run’s time; the client’s validity check fails.', rfc: 'RFC 5280 §4.1.2.5' };
    case 'untrusted-root':
      return { side: 'client', culprit: 'client', expectedAlert: 'unknown_ca', text: 'Setup: the client does not trust the root CA the server’s chain leads to; path validation fails.', rfc: 'RFC 5280 §6.1' };
    case 'no-common-suite':
      return { side: 'server', culprit: 'client', expectedAlert: 'handshake_failure', text: 'Setup: the client offers no cipher suite the server accepts.', rfc: tls13 ? 'RFC 8446 §4.1.1' : 'RFC 5246 §7.4.1.3' };
    case 'no-client-certificate':
      return {
        side: 'server',
        culprit: 'client',
        expectedAlert: tls13 ? 'certificate_required' : 'handshake_failure',
        text: 'Setup: the server requires a client certificate (mutual TLS) and the client has none, so it answers the CertificateRequest with an empty Certificate.',
        rfc: tls13 ? 'RFC 8446 §4.4.2.4' : 'RFC 5246 §7.4.6',
      };
    default:
      return undefined;
  }
}

type OnPathReport = (from: Side, recordId: string, text: string, rfc: string, expectedAlert: AlertDescription) => void;

function makeMitm(sc: Scenario, sentRecords: WeakMap<Uint8Array, RecordEvent>, onPath: OnPathReport): (from: Side, bytes: Uint8Array) => Uint8Array | null {
  let done = false;
  return (from, bytes) => {
    if (done) return bytes;
    const ev = sentRecords.get(bytes);
    const info = ev?.protected;
    switch (sc.fault) {
      case 'downgrade': {
        if (from !== 'client' || sc.version !== 'TLS 1.3') return bytes;
        const out = withoutTls13(bytes);
        if (!out) return bytes;
        done = true;
        const id = ev?.recordId ?? 'c2s:0';
        onPath(
          'client',
          id,
          `On-path attacker: removed TLS 1.3 (0x0304) from the ClientHello's supported_versions (record ${id}), so the server can only choose TLS 1.2. The ClientHello is not encrypted, so this goes unnoticed until the client sees the downgrade sentinel in the server's random.`,
          'RFC 8446 §4.1.3',
          'illegal_parameter',
        );
        return out;
      }
      case 'tamper-ciphertext': {
        if (from !== 'server' || !info || bytes.length <= RECORD_HEADER_LEN) return bytes;
        done = true;
        const out = bytes.slice();
        out[RECORD_HEADER_LEN]! ^= 0x01;
        const tls13 = info.trafficSecret !== undefined;
        onPath(
          'server',
          ev!.recordId,
          `On-path attacker: flipped one bit of ciphertext in record ${ev!.recordId}. Without the keys it cannot make a matching authentication tag, so the client's AEAD check fails and it sends bad_record_mac.`,
          tls13 ? 'RFC 8446 §5.2' : 'RFC 5246 §6.2.3.3',
          'bad_record_mac',
        );
        return out;
      }
      default:
        return bytes;
    }
  };
}

/**
 * A plaintext ClientHello record with TLS 1.3 removed from supported_versions (RFC 8446
 * §4.2.1), every enclosing length fixed; null if the record is not such a ClientHello.
 */
function withoutTls13(record: Uint8Array): Uint8Array | null {
  const u16 = (o: number) => (record[o]! << 8) | record[o + 1]!;
  if (record.length < RECORD_HEADER_LEN + 4 || record[0] !== ContentType.handshake || record[RECORD_HEADER_LEN] !== HandshakeType.client_hello) return null;
  let o = RECORD_HEADER_LEN + 4 + 2 + 32; // handshake header, legacy_version, random
  o += 1 + record[o]!; // legacy_session_id
  o += 2 + u16(o); // cipher_suites
  o += 1 + record[o]!; // legacy_compression_methods
  const extsStart = o + 2;
  const extsEnd = extsStart + u16(o);
  if (extsEnd > record.length) return null;
  for (let e = extsStart; e + 4 <= extsEnd; e += 4 + u16(e + 2)) {
    if (u16(e) !== 0x002b) continue;
    const list = e + 4; // versions<2..254>: a length byte, then 2 bytes each
    const at = [];
    for (let v = list + 1; v + 1 < list + 1 + record[list]!; v += 2) if (u16(v) === 0x0304) at.push(v);
    if (at.length === 0) return null;
    const out = new Uint8Array(record.length - 2 * at.length);
    let w = 0;
    for (let r = 0; r < record.length; r++) {
      if (at.some((v) => r === v || r === v + 1)) continue;
      out[w++] = record[r]!;
    }
    const cut = 2 * at.length;
    const put16 = (p: number, n: number) => {
      out[p] = n >> 8;
      out[p + 1] = n & 0xff;
    };
    out[list] = record[list]! - cut;
    put16(e + 2, u16(e + 2) - cut); // extension_data length
    put16(extsStart - 2, u16(extsStart - 2) - cut); // extensions length
    const hsLen = ((record[RECORD_HEADER_LEN + 1]! << 16) | u16(RECORD_HEADER_LEN + 2)) - cut;
    out[RECORD_HEADER_LEN + 1] = hsLen >> 16;
    put16(RECORD_HEADER_LEN + 2, hsLen & 0xffff);
    put16(3, u16(3) - cut); // record length
    return out;
  }
  return null;
}

