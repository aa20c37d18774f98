/**
 * Resumption runs (RFC 8446 §2.2): an earlier full handshake between the same client and
 * server, whose events are not shown, gives the client a ticket; the run shown offers its PSK
 * and, with `earlyData`, sends its request as 0-RTT data (RFC 8446 §2.3).
 */
import { createClient } from '../client/client';
import type { ClientConfig, ResumptionTicket, ServerConfig } from '../config';
import { seededRng } from '../crypto/rng';
import type { EventSink } from '../events';
import type { Scenario } from '../scenario';
import { MemoryAntiReplay } from '../server/antireplay';
import { createServer } from '../server/server';
import type { Note } from './event-log';
import { requestOf } from './exchange';
import { pump } from './wire';

/** Sets up the scenario's resumption (or says why there is none) on both configurations. */
export function setUpResumption(sc: Scenario, clientCfg: ClientConfig, serverCfg: ServerConfig, host: string, note: Note): void {
  if (sc.earlyData && !sc.resumption) note('client', '0-RTT early data needs a resumed session: turn on resumption too. This run sends no early data.', 'RFC 8446 §2.3');
  if (sc.resumption && sc.version !== 'TLS 1.3') {
    note('client', 'Resumption with a session ticket is a TLS 1.3 option here: this TLS 1.2 run is a full handshake.');
    return;
  }
  if (!sc.resumption) return;
  // Both connections share the server's ticket key; the shown one gets a new ticket too, as real servers do.
  serverCfg.sessionTickets = 1;
  serverCfg.ticketKey = seededRng(sc.seed, 'ticket key')(32);
  if (sc.earlyData) serverCfg.maxEarlyData = 16384;
  // RFC 8446 §8.2: the server records the ClientHellos it takes 0-RTT from, so a replay's early data is rejected.
  serverCfg.antiReplay = new MemoryAntiReplay();
  const ticket = earlierTicket(clientCfg, serverCfg, sc.seed);
  if (!ticket.ticket) {
    note('client', `No ticket to resume with: the earlier full handshake ${ticket.summary}. This run is a full handshake.`, 'RFC 8446 §2.2');
    return;
  }
  clientCfg.resume = ticket.ticket;
  note(
    'client',
    `This run resumes a session. Its ticket came from an earlier full handshake between the same client and server (same settings, its own random values from seed "${sc.seed}"; its events are not shown): ${ticket.summary}.`,
    'RFC 8446 §2.2',
  );
  if (sc.earlyData) clientCfg.earlyData = requestOf(sc.request, host);
  if (sc.fault === 'bad-signature')
    note('client', 'The bad-signature fault flips a bit of the server’s CertificateVerify, and a resumed handshake has none: this run is unaffected.', 'RFC 8446 §2.2');
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
  const client = createClient({ ...clientCfg, rng: seededRng(seed, 'earlier client'), sink: quiet });
  const server = createServer({ ...serverCfg, rng: seededRng(seed, 'earlier server'), sink: quiet });
  pump({ client, server }, client.start(), { maxSteps: 1000 });
  const t = client.tickets[0];
  if (!t) return { summary: alert ? `failed: ${alert}` : 'ended without a NewSessionTicket' };
  return {
    ticket: t,
    summary: `${t.cipherSuite}, a ${t.ticket.length}-byte ticket for "${t.serverName ?? ''}", ticket_lifetime ${t.lifetime} s, ticket_age_add ${t.ageAdd}`,
  };
}
