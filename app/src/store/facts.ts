/**
 * What the screen says about a run that the engine reports in so many words: who is at fault
 * (the `fault` event), when application data travels (appdata `phase` and `flight`), which
 * master secret and why (`masterSecretReason`), why no client certificate is asked for
 * (`clientAuthSkipped`), the run's clock and server name (the `run` event). Pure functions of
 * the events: the diagram, inspector and narration call them, and tests check them against runs.
 */
import type { TlsEvent } from '@tlslab/engine';
import type { Arrow, FaultEvent, RunEvent } from './derive';

export interface Fact {
  title: string;
  text: string;
  rfc: string;
}

/** Who a fault event blames, in a few words: "an on-path attacker", "a faulty server", "the run's setup". */
export function blame(f: FaultEvent): string {
  if (f.actor === 'on-path-attacker') return 'an on-path attacker';
  if (f.actor === 'faulty-peer') return `a faulty ${f.culprit}`;
  return 'the run’s setup';
}

/** What is wrong in a message a faulty peer sent, in two words. */
function wrongValue(message: string | undefined): string {
  if (message === 'CertificateVerify' || message === 'ServerKeyExchange') return 'wrong signature';
  if (message === 'ClientKeyExchange') return 'bad premaster';
  return `wrong ${message ?? 'value'}`;
}

/** The mark at an arrow's receiving end about a fault (two short lines), or null. */
export function faultMark(a: Arrow): { lines: string[]; kind: 'on-path' | 'faulty' } | null {
  if (a.fault?.actor === 'on-path-attacker' || a.tampered) return { lines: ['changed', 'in transit'], kind: 'on-path' };
  if (a.fault?.actor === 'faulty-peer') return { lines: [`faulty ${a.fault.culprit}:`, wrongValue(a.fault.message)], kind: 'faulty' };
  return null;
}

/** Round trips since the start when flight `n` arrives (flight 1 is the ClientHello's: half a round trip). */
export function roundTripsAt(flight: number): string {
  const rtt = flight / 2;
  return Number.isInteger(rtt) ? String(rtt) : rtt.toFixed(1);
}

/** What an application-data record is in the handshake's timing: "0-RTT data", the server's "0.5-RTT answer" or "answer" (other data: null). */
export function dataRole(a: Arrow): string | null {
  if (!a.appdata || !a.phase) return null;
  if (a.phase === 'early') return '0-RTT data';
  if (a.from !== 'server') return null;
  return a.phase === 'half-rtt' ? '0.5-RTT answer' : 'answer';
}

/** When an application-data arrow travels, for the mark beside it (short lines): ["0-RTT data"], ["0.5-RTT answer", "at 1 RTT"]. */
export function dataTiming(a: Arrow): string[] | null {
  const role = dataRole(a);
  if (!role) return null;
  if (a.phase === 'early') return [role];
  if (a.dataFlight === undefined) return null;
  return [role, `at ${roundTripsAt(a.dataFlight)} RTT`];
}

/** The run's setup event (the first event of a Session run), if there is one. */
export function runSetup(events: readonly TlsEvent[]): RunEvent | undefined {
  return events.find((e): e is RunEvent => e.type === 'run');
}

/** The first fault event of a run. */
export function runFault(events: readonly TlsEvent[]): FaultEvent | undefined {
  return events.find((e): e is FaultEvent => e.type === 'fault');
}

/**
 * What the narration adds for one step, from that step's events (and the run's, for the fault
 * an alert answers): a fault committed here, why an alert was sent and who is to blame, a
 * PSK handshake that skips client authentication, which master secret was derived.
 */
export function stepFacts(stepEvents: readonly TlsEvent[], arrow: Arrow | undefined, all: readonly TlsEvent[]): Fact[] {
  const out: Fact[] = [];
  for (const e of stepEvents) {
    if (e.type === 'fault' && e.actor !== 'setup') {
      out.push({
        title: e.actor === 'on-path-attacker' ? 'An on-path attacker changes this record' : `A faulty ${e.culprit}: it computed a wrong ${e.message ?? 'value'}`,
        text: e.text,
        rfc: e.rfc ?? '',
      });
    }
    if (e.type === 'negotiated' && e.clientAuthSkipped === 'psk-resumption') {
      out.push({
        title: 'No client certificate in a resumed handshake',
        text: 'Mutual TLS is on, but this handshake is authenticated with the ticket’s pre-shared key: a server that authenticates with a PSK must not send a CertificateRequest in the main handshake, so the client shows no certificate. The earlier connection that issued the ticket did the certificate checks.',
        rfc: 'RFC 8446 §4.3.2',
      });
    }
    if (e.type === 'secret' && e.name === 'master_secret' && e.stage === 'tls12' && e.side === 'client') {
      const neg = all.find((n) => n.type === 'negotiated' && n.side === 'client' && n.masterSecretReason !== undefined);
      const reason = neg?.type === 'negotiated' ? neg.masterSecretReason : undefined;
      const extended = /extended master secret/.test(e.formula);
      out.push({
        title: extended ? 'The extended master secret (RFC 7627)' : 'The classic master secret (RFC 5246 §8.1)',
        text:
          `master_secret = ${e.formula}. ` +
          (extended
            ? 'Both sides agreed on extended_master_secret, so the master secret is bound to the whole handshake so far (the session hash of ClientHello … ClientKeyExchange), not only to the two randoms: a man in the middle cannot make two connections share one master secret (the triple handshake attack).'
            : reason === 'client-did-not-offer'
              ? 'The client did not offer extended_master_secret (the EMS setting is off), so the master secret depends only on the premaster and the two randoms — the original TLS 1.2 formula, open to the triple handshake attack.'
              : 'The server did not accept extended_master_secret, so the master secret depends only on the premaster and the two randoms.'),
        rfc: extended ? 'RFC 7627 §4' : 'RFC 5246 §8.1',
      });
    }
  }
  // An alert: who is at fault, from the fault event that predicted it.
  if (arrow?.alert && arrow.alert.level === 'fatal') {
    const f = all.find((e): e is FaultEvent => e.type === 'fault' && e.expectedAlert === arrow.alert!.description);
    if (f) out.push({ title: `Who is at fault: ${blame(f)}`, text: f.text, rfc: f.rfc ?? '' });
  }
  return out;
}
