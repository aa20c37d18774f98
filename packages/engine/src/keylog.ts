/**
 * The NSS key log format (the SSLKEYLOGFILE that browsers, curl and OpenSSL write): one line
 * per secret, `LABEL <client random hex> <secret hex>`, which Wireshark and tshark use to
 * decrypt a captured connection. TLS 1.3 logs its traffic secrets (RFC 8446 §7.1); TLS 1.2
 * logs the master secret under CLIENT_RANDOM (RFC 5246 §8.1).
 *
 * Lines are built from one side's events as they arrive, so a CLI can append them to a file
 * while the connection runs.
 */
import { toHex } from './codec/hex';
import type { Side, TlsEvent } from './events';

/** How to get a key log, said where records cannot be decrypted. */
export const KEY_LOG_HINT =
  'To see inside, capture again with a key log: start curl, Firefox or Chrome with the environment variable SSLKEYLOGFILE=/path/keys.log ' +
  '(openssl s_client/s_server: -keylogfile FILE; Node: the "keylog" event), then open the capture together with that file.';

/** Our secret names → the key log's labels (TLS 1.3). */
const TLS13_LABELS: Record<string, string> = {
  client_early_traffic_secret: 'CLIENT_EARLY_TRAFFIC_SECRET',
  client_handshake_traffic_secret: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  server_handshake_traffic_secret: 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  exporter_master_secret: 'EXPORTER_SECRET',
};

/** The key log label for one of our secret names, or undefined if the format has none. */
export function keyLogLabel(name: string, stage: string): string | undefined {
  if (stage === 'tls12') return name === 'master_secret' ? 'CLIENT_RANDOM' : undefined;
  const app = /^(client|server)_application_traffic_secret_(\d+)$/.exec(name);
  if (app) return `${app[1]!.toUpperCase()}_TRAFFIC_SECRET_${app[2]}`;
  return TLS13_LABELS[name];
}

export interface KeyLogBuilder {
  /** Feeds one event; returns the key log lines (without newline) it completes. */
  add(e: TlsEvent): string[];
}

/**
 * Builds key log lines from the events of `side` (both sides derive the same secrets; one is
 * enough). Secrets derived before the ClientHello's random is known cannot occur.
 */
export function createKeyLog(side: Side = 'client'): KeyLogBuilder {
  let clientRandom: string | undefined;
  const seen = new Set<string>();
  return {
    add(e) {
      if (e.side !== side) return [];
      if (e.type === 'handshake' && e.name === 'ClientHello' && clientRandom === undefined) {
        // msg_type (1) ‖ length (3) ‖ legacy_version (2) ‖ random (32)
        if (e.bytes.length >= 38) clientRandom = toHex(e.bytes.subarray(6, 38));
        return [];
      }
      if (e.type !== 'secret' || clientRandom === undefined) return [];
      const label = keyLogLabel(e.name, e.stage);
      if (!label) return [];
      const line = `${label} ${clientRandom} ${toHex(e.value)}`;
      if (seen.has(line)) return [];
      seen.add(line);
      return [line];
    },
  };
}

/** The whole key log of a run's events (each line ends with a newline). */
export function keyLogText(events: readonly TlsEvent[], side: Side = 'client'): string {
  const log = createKeyLog(side);
  return events.flatMap((e) => log.add(e).map((l) => `${l}\n`)).join('');
}

/** A parsed key log: for each client random (hex), its secrets by label. */
export interface ParsedKeyLog {
  byClientRandom: Map<string, Map<string, Uint8Array>>;
  /** Lines that are neither comments nor `LABEL <64 hex> <hex>`. */
  badLines: number;
  /** Lines read (secrets). */
  lines: number;
}

/**
 * Reads an NSS key log (the SSLKEYLOGFILE format): `LABEL <client random, 64 hex digits>
 * <secret, hex>` per line, `#` comments and blank lines ignored. Several logs can be read into
 * one (pass `into`); a later line for the same random and label wins.
 */
export function parseKeyLog(text: string, into?: ParsedKeyLog): ParsedKeyLog {
  const out = into ?? { byClientRandom: new Map(), badLines: 0, lines: 0 };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)\s+([0-9a-fA-F]{64})\s+([0-9a-fA-F]+)$/.exec(line);
    if (!m || m[3]!.length % 2 !== 0) {
      out.badLines++;
      continue;
    }
    const random = m[2]!.toLowerCase();
    let secrets = out.byClientRandom.get(random);
    if (!secrets) out.byClientRandom.set(random, (secrets = new Map()));
    const hex = m[3]!;
    const value = new Uint8Array(hex.length / 2);
    for (let i = 0; i < value.length; i++) value[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    secrets.set(m[1]!, value);
    out.lines++;
  }
  return out;
}
