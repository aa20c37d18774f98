/**
 * `runScenario`: one run of a scenario, from the settings to the summary. It checks the
 * run's clock and server name, makes the certificates and the two configurations, connects a
 * real client and a real server over the in-memory wire (with the man in the middle of
 * faults/mitm.ts on it), runs the application exchange and sums up how the run ended.
 */
import { withCryptoProvider, type CryptoProvider } from '../crypto/provider';
import type { ClientConfig, ServerConfig } from '../config';
import { createClient, type TlsClient } from '../client/client';
import type { EventSink, Side, TlsEvent } from '../events';
import { makeMitm, onPathReporter, type Mitm, type RecordEventOf } from '../faults/mitm';
import { setupFault } from '../faults/reports';
import { checkServerName, clockFromSeed, DEFAULT_SCENARIO, type Scenario } from '../scenario';
import type { TlsServer } from '../server/server';
import { createFaultyServer } from '../faults/faulty-server';
import { FaultyClient } from '../faults/faulty-client';
import { askedName, endpointConfigs, endpointFaults, offerOf, type PeerFaults } from './configure';
import { clientCredentials, clientTrust, demoPki, serverCredentials } from './credentials';
import { createEventLog } from '../io/stamp';
import { runSink, type Note, type SetupError } from './event-log';
import { httpExchange, requestOf } from './exchange';
import { setUpResumption } from './resumption';
import { mergeNegotiated } from '../negotiated';
import { inDeliveryOrder } from '../steps';
import { summarizeRun, type RunSummary } from './summary';
import { pump } from './wire';

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
  /** The crypto provider of the whole run (demo PKI, both endpoints); default: the installed one. */
  cryptoProvider?: CryptoProvider;
}

/**
 * Runs a scenario to the end, emitting every event of both sides (stamped) to `emit`.
 * Never throws for TLS failures (they end in alerts); setup problems (an unusable pasted
 * PEM) end the run with `ok: false` and `error`.
 */
export function runScenario(scenario: Scenario, emit: (e: TlsEvent) => void, options: RunOptions = {}): RunSummary {
  const provider = options.cryptoProvider;
  return provider ? withCryptoProvider(provider, () => inOrder(scenario, emit, options)) : inOrder(scenario, emit, options);
}

/** The endpoints report in the order they ran; the run reports in the order records are read (steps.ts). */
function inOrder(scenario: Scenario, emit: (e: TlsEvent) => void, options: RunOptions): RunSummary {
  if (options.engineOrder) return run(scenario, emit, options);
  const log: TlsEvent[] = [];
  const summary = run(scenario, (e) => log.push(e), options);
  for (const e of inDeliveryOrder(log)) emit(e);
  return summary;
}

/** The run itself: both endpoints' events in the order the engine produced them. */
function run(scenario: Scenario, emit: (e: TlsEvent) => void, options: RunOptions): RunSummary {
  const sc: Scenario = { ...DEFAULT_SCENARIO, ...scenario };
  const log = createEventLog(emit);
  const endpoints: { client?: TlsClient; server?: TlsServer } = {};
  const { sink, recordOf } = runSink(log, sc, endpoints);
  const note: Note = (side, text, rfc) => sink({ type: 'note', side, text, ...(rfc ? { rfc } : {}) });
  const fail = (error: string): RunSummary => {
    note('client', error);
    return { ok: false, error, events: log.events.length };
  };
  const start = startRun(sc, sink, note);
  if ('error' in start) return fail(start.error);
  const configs = configure(sc, start, sink, note);
  if ('error' in configs) return fail(configs.error);

  const c = configs.faults.client.length > 0 ? new FaultyClient(configs.clientCfg, configs.faults.client) : createClient(configs.clientCfg);
  const s = createFaultyServer(configs.serverCfg, configs.faults.server);
  endpoints.client = c;
  endpoints.server = s;
  const exchange = httpExchange({
    client: c,
    server: s,
    request: requestOf(sc.request, start.host),
    sentEarly: configs.clientCfg.earlyData !== undefined,
    serverNegotiated: () => mergeNegotiated(log.events, 'server'),
    fallbackVersion: sc.version,
    note,
  });
  pump({ client: c, server: s }, c.start(), { maxSteps: 10_000, deliver: onTheWire(sc, sink, recordOf, options.mitm), after: exchange.step });
  return summarizeRun(log.events, { gotResponse: exchange.gotResponse, clientClosed: c.closed, serverClosed: s.closed });
}

/** What the run starts from: its clock, the host (A-label form), whether SNI is sent, whether it is mutual TLS. */
interface RunStart {
  at: Date;
  host: string;
  sendSni: boolean;
  mutual: boolean;
}

/** Checks the run's clock and server name, and reports the run (`run` event), the SNI choice and a setup fault. */
function startRun(sc: Scenario, sink: EventSink, note: Note): RunStart | SetupError {
  // The run's clock comes from the scenario (the link's t=) or the seed, never from the machine.
  const at = new Date(sc.at ?? clockFromSeed(sc.seed));
  if (Number.isNaN(at.getTime())) return { error: `The run's time "${sc.at}" is not a valid ISO time (e.g. 2026-01-31T12:00:00Z).` };
  const name = checkServerName(sc.serverName);
  if (!name.ok) return { error: `The server name "${sc.serverName}" cannot be used: ${name.reason}` };
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
    checkedName: askedName(sc, host),
    clientAuth: !mutual ? 'off' : sc.mutual ? 'mutual-setting' : 'no-client-certificate-fault',
    offersExtendedMasterSecret: sc.extendedMasterSecret !== false,
  });
  if (sc.sni === false)
    note(
      'client',
      `The client sends no server_name (SNI): the server cannot tell which host is wanted and presents its only certificate, which the client still checks for "${host}".`,
      'RFC 6066 §3',
    );
  const setup = setupFault(sc);
  if (setup) sink({ type: 'fault', fault: sc.fault, actor: 'setup', ...setup });
  return { at, host, sendSni, mutual };
}

/** The certificates, the two configurations, the faults the peers commit and the resumption, in that order (their notes too). */
function configure(sc: Scenario, start: RunStart, sink: EventSink, note: Note): { clientCfg: ClientConfig; serverCfg: ServerConfig; faults: PeerFaults } | SetupError {
  const { at, host, mutual } = start;
  const pki = demoPki(sc, host, at);
  const server = serverCredentials(sc, pki, host, at, note);
  if ('error' in server) return server;
  const trust = clientTrust(sc, pki, note);
  const offer = offerOf(sc, host, note);
  const client = clientCredentials(sc, pki, mutual, note);
  if ('error' in client) return client;
  const { clientCfg, serverCfg } = endpointConfigs({ sc, sink, at, sendSni: start.sendSni, mutual, offer, server, trust, client });
  if (sc.fault === 'no-client-certificate') note('client', 'Fault: the server requires a client certificate and the client has none.');
  if ((sc.fault === 'bad-premaster' || sc.fault === 'bad-premaster-padding') && sc.version === 'TLS 1.3') {
    note('client', `The ${sc.fault} fault applies to TLS 1.2 RSA key exchange only; this TLS 1.3 run is unaffected.`);
  }
  const faults = endpointFaults(sc, serverCfg, note);
  setUpResumption(sc, clientCfg, serverCfg, host, note);
  return { clientCfg, serverCfg, faults };
}

/** What a record becomes on its way: the scenario's man in the middle, then the caller's own (RunOptions.mitm). */
function onTheWire(sc: Scenario, sink: EventSink, recordOf: RecordEventOf, custom?: Mitm): Mitm {
  const mitm = makeMitm(sc, recordOf, onPathReporter(sc, sink));
  return (from, bytes) => {
    const out = mitm(from, bytes);
    return out && custom ? custom(from, out) : out;
  };
}
