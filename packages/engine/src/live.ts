/**
 * A live run: one of our endpoints talking to a real TLS peer over a byte stream (in the page, a
 * WebSocket to `tlslab relay`; in tests, the same). `client` mode runs our client against a real
 * server (`openssl s_server`, nginx, a web site); `server` mode runs our server for a real client
 * (curl, `openssl s_client`, a browser).
 *
 * It emits the same events as a simulated run, with one difference the events say out loud: the
 * peer is not ours, so what it computed is unknown. Each record the peer sent is reported twice,
 * as the peer's `sent` record (so the diagram draws its arrow) and as our `received` one, both
 * with the bytes that actually arrived; a note at the start names the peer.
 */
import { utf8 } from './codec/hex';
import type { ClientConfig, GroupName, ServerConfig } from './config';
import { systemRng } from './crypto/rng';
import type { EventSink, Side, TlsEvent, TlsEventBody, TlsVersionName } from './events';
import { mergeNegotiated } from './negotiated';
import { observedSteps } from './steps';
import { httpResponseComplete, readRequest } from './io/http';
import { driveTransport, type Driver, type Outcome, type Transport } from './io/driver';
import { createClient } from './client/client';
import { createServer } from './server/server';
import { generateDemoPki } from './pki/demo';
import { parsePemBundle } from './pki/parse';
import { DEFAULT_SCENARIO, type Scenario } from './scenario';
import type { RunSummary } from './session';

export interface LiveRequest {
  /** `client`: our client, a real server at `target`. `server`: our server, a real client. */
  mode: 'client' | 'server';
  /** client mode: the server's `HOST:PORT` (the name for SNI and the certificate check is `scenario.serverName`, or HOST when that is empty). */
  target?: string;
  scenario: Scenario;
}

export interface LiveOptions {
  /** Give up after this long without the exchange completing (default 15 s). */
  timeoutMs?: number;
  /** Where the peer is, for the narration ("127.0.0.1:4433 through tlslab relay"). */
  peerLabel?: string;
  /** The real peer's address once the stream is open (server mode: the relay says who connected). */
  remoteAddress?: () => string | undefined;
}

/** `transport`, calling `first()` when it opens, before the endpoint starts (so the notes lead the run). */
function withNotesFirst(transport: Transport, first: () => void): Transport {
  return {
    write: (bytes) => transport.write(bytes),
    end: () => transport.end(),
    get writable() {
      return transport.writable;
    },
    attach: (h) =>
      transport.attach({
        ...h,
        onOpen() {
          first();
          h.onOpen();
        },
      }),
  };
}

const peerOf = (side: Side): Side => (side === 'client' ? 'server' : 'client');

function hostOf(target: string): string {
  const m = /^\[([^\]]+)\]:\d+$/.exec(target) ?? /^([^:]+):\d+$/.exec(target);
  return m ? m[1]! : target;
}

function pemCerts(pem: string | undefined, note: (text: string) => void, what: string): Uint8Array[] {
  if (!pem?.trim()) return [];
  const b = parsePemBundle(pem);
  for (const p of b.problems) note(`${what}: ${p}`);
  return b.certificates;
}

function clientConfig(sc: Scenario, target: string, note: (t: string) => void): Omit<ClientConfig, 'sink'> {
  const other: GroupName = sc.group === 'x25519' ? 'secp256r1' : 'x25519';
  const versions: TlsVersionName[] = [sc.version];
  const host = hostOf(target);
  // The page's server-name setting, as in every run (empty: the target's host).
  const serverName = sc.serverName || host;
  const anchors = pemCerts(sc.extraTrustPem, note, 'Added trust anchors');
  if (anchors.length === 0) {
    note(
      "No trust anchors were added (Certificates tab: paste the server's CA, or tick the Mozilla root store): the client will not trust the real server's certificate, and its check says so.",
    );
  }
  return {
    rng: systemRng(),
    versions,
    ...(sc.cipherSuite ? { cipherSuites: [sc.cipherSuite] } : {}),
    groups: [sc.group, other],
    keyShareGroups: [sc.helloRetry ? other : sc.group],
    alpn: ['http/1.1'],
    serverName,
    trustAnchors: anchors,
  };
}

function serverConfig(sc: Scenario, note: (t: string) => void): Omit<ServerConfig, 'sink'> {
  const pki = generateDemoPki({ seed: sc.seed, serverKeyType: sc.serverKeyType, serverName: sc.serverName, now: new Date() });
  let cert: ServerConfig['cert'] = { chain: pki.serverChain, key: pki.serverKey };
  if (sc.pastedChainPem) {
    const b = parsePemBundle(sc.pastedChainPem);
    const kb = sc.pastedKeyPem ? parsePemBundle(sc.pastedKeyPem) : undefined;
    const key = kb?.keys[0] ?? b.keys[0];
    if (b.certificates.length > 0 && key) cert = { chain: b.certificates, key };
    else note('The pasted server certificate needs its private key to serve a real client: the demo chain is used instead.');
  }
  const clientAnchors = [pki.clientRootDer, ...pemCerts(sc.extraClientTrustPem, note, 'Added client trust anchors')];
  return {
    rng: systemRng(),
    versions: [sc.version],
    ...(sc.cipherSuite ? { cipherSuites: [sc.cipherSuite] } : {}),
    groups: [sc.group, sc.group === 'x25519' ? 'secp256r1' : 'x25519'],
    alpn: ['http/1.1'],
    cert,
    ...(sc.mutual ? { clientAuth: 'require' as const, clientTrustAnchors: clientAnchors } : {}),
  };
}

function httpAnswer(version: string, suite: string): Uint8Array {
  const body = `Hello from TLS Lab's engine in your browser! This answer was protected with ${version} and ${suite}.\n`;
  return utf8.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${utf8.encode(body).length}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Runs our endpoint over `transport` against a real peer; resolves when the stream has closed
 * (or the timeout ended it). Never rejects: failures are alerts, notes and the summary.
 */
export function runLive(req: LiveRequest, transport: Transport, emit: (e: TlsEvent) => void, opts: LiveOptions = {}): Promise<RunSummary> {
  const sc: Scenario = { ...DEFAULT_SCENARIO, ...req.scenario };
  const ours: Side = req.mode;
  const peer = peerOf(ours);
  let seq = 0;
  // The log is in the order our side observed it: a step is a record and what followed it.
  const stepped = observedSteps();
  const out = (e: TlsEvent): void => emit(stepped({ ...e, seq: seq++ }));
  const notes: TlsEventBody[] = [];
  const note = (text: string): void => void notes.push({ type: 'note', side: ours, text });
  const where = opts.peerLabel ?? (req.target ? req.target : 'the relay');
  notes.push({
    type: 'note',
    side: ours,
    realPeer: { side: peer, address: req.target ?? '' },
    text:
      ours === 'client'
        ? `The server is a real TLS server at ${where}, not TLS Lab's. Its records are drawn as our client received them; what it computed inside (its secrets, its checks) is not known here.`
        : `The client is a real TLS client (${where}), not TLS Lab's. Its records are drawn as our server received them; what it computed inside is not known here.`,
  });
  const base = ours === 'client' ? clientConfig(sc, req.target ?? '', note) : serverConfig(sc, note);

  let ourSink: EventSink | undefined;
  let received = '';
  let answered = false;
  let lastT = 0;
  const finishOnce = (d: Driver): void => {
    if (!answered) {
      answered = true;
      d.close();
    }
  };
  const driver = driveTransport(
    withNotesFirst(transport, () => {
      // The real client's address is known once the relay has handed it over.
      const first = notes[0];
      const addr = opts.remoteAddress?.();
      if (ours === 'server' && addr && first?.type === 'note' && first.realPeer) first.realPeer.address = addr;
      for (const n of notes) ourSink?.(n);
    }),
    (sink) => {
      ourSink = sink;
      return ours === 'client' ? createClient({ ...(base as Omit<ClientConfig, 'sink'>), sink }) : createServer({ ...(base as Omit<ServerConfig, 'sink'>), sink });
    },
    {
      onEvent(e) {
        lastT = e.t;
        // What the peer sent is what arrived: its records and its alerts (without a reason: that is the peer's own).
        if (e.type === 'record' && e.direction === 'received') out({ ...e, side: peer, direction: 'sent' });
        if (e.type === 'alert' && e.direction === 'received') out({ ...e, side: peer, direction: 'sent' });
        out(e);
      },
      onConnected(d) {
        if (ours === 'client') {
          const host = hostOf(req.target ?? '');
          d.send(utf8.encode(sc.request ?? `GET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: tlslab (browser)\r\nConnection: close\r\n\r\n`));
        }
      },
      onAppData(data, d) {
        received += new TextDecoder().decode(data);
        if (ours === 'client') {
          if (httpResponseComplete(received)) finishOnce(d);
        } else if (!answered && readRequest(received).kind === 'too-large') {
          answered = true;
          d.send(utf8.encode('HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
          d.close();
        } else if (!answered && readRequest(received).kind === 'complete') {
          answered = true;
          const neg = d.events.filter((e): e is Extract<TlsEvent, { type: 'negotiated' }> => e.type === 'negotiated' && e.side === 'server');
          const version =
            neg
              .map((e) => e.version)
              .filter(Boolean)
              .pop() ?? sc.version;
          const suite =
            neg
              .map((e) => e.cipherSuite)
              .filter(Boolean)
              .pop() ?? '?';
          d.send(httpAnswer(version, suite));
          d.close();
        }
      },
    },
  );
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const timer = setTimeout(() => {
    out({ type: 'note', side: ours, text: `The exchange did not complete within ${timeoutMs / 1000} s: the connection is closed.`, seq: 0, t: lastT });
    driver.close();
    transport.end();
  }, timeoutMs);
  return driver.finished.then((o: Outcome) => {
    clearTimeout(timer);
    return summarize(o, driver.events, ours, received !== '');
  });
}

function summarize(o: Outcome, events: TlsEvent[], ours: Side, gotData: boolean): RunSummary {
  const { version, cipherSuite, group } = mergeNegotiated(events, ours);
  const neg = { ...(version ? { version } : {}), ...(cipherSuite ? { cipherSuite } : {}), ...(group ? { group } : {}) };
  const alert = o.alertSent ?? o.alertReceived;
  const ok = o.connected && gotData && !alert && !o.endpointThrew;
  const error =
    o.endpointThrew ?? alert?.reason ?? alert?.description ?? o.socketError ?? (ok ? undefined : `the peer closed the connection (our ${ours} was in state ${o.finalState})`);
  return { ok, ...neg, ...(alert ? { alert: alert.description } : {}), ...(error && !ok ? { error } : {}), events: events.length };
}
