/**
 * Two turning points of a handshake, named where they happen (issue 12), from the run's events:
 * - asymmetric vs symmetric: the first record each side seals (from here its records are
 *   protected with symmetric keys both sides hold), and the record whose reading is the run's
 *   last public-key operation (after it, only MACs and AEAD);
 * - one-way vs mutual: the server's CertificateRequest (mutual), or the end of the server's
 *   handshake flight without one (one-way: only the server proves who it is).
 * Each text returns its claims; check-claims.ts checks them against the bytes.
 */
import type { Side } from '@tlslab/engine';
import type { Arrow, HandshakeEvent, RunView } from '../store/derive';
import type { Explanation } from './texts';

/** Handshake messages whose sending or reading is a public-key operation (key exchange, signature, certificate). */
export const PUBLIC_KEY_MESSAGES = ['ClientHello', 'ServerHello', 'Certificate', 'CertificateVerify', 'ServerKeyExchange', 'ClientKeyExchange'] as const;

const peer = (s: Side): Side => (s === 'client' ? 'server' : 'client');
const short = (key: string) => key.replace(/_secret$/, '').replace(/_/g, ' ');

/** The handshake messages a side sent, in order, with the record that carried each. */
function sent(view: RunView, side: Side): HandshakeEvent[] {
  return view.events.filter((e): e is HandshakeEvent => e.type === 'handshake' && e.direction === 'sent' && e.side === side);
}

/** The record (in step order) whose messages include the run's last public-key message, if the run ended well. */
function lastPublicKeyArrow(view: RunView): { arrow: Arrow; message: string } | undefined {
  if (view.events.some((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal')) return undefined;
  for (let i = view.arrows.length - 1; i >= 0; i--) {
    const a = view.arrows[i]!;
    const names = a.messages.map((m) => m.replace(/ \(fragment\)$/, ''));
    const pk = [...names].reverse().find((m) => (PUBLIC_KEY_MESSAGES as readonly string[]).includes(m));
    if (pk) return { arrow: a, message: pk };
  }
  return undefined;
}

/** What the receiver of `message` does with a public key, in words. */
function publicKeyWork(message: string, from: Side, keyExchange: 'ECDHE' | 'RSA' | undefined, resumed: boolean): string {
  const to = peer(from);
  if (message === 'CertificateVerify') return `the ${to} checks the ${from}’s CertificateVerify signature with the public key from its certificate`;
  if (message === 'Certificate') return `the ${to} checks the signatures of the ${from}’s certificate chain`;
  if (message === 'ClientKeyExchange')
    return keyExchange === 'RSA'
      ? 'the server decrypts the premaster secret with its RSA private key'
      : 'the server combines the client’s ephemeral public key with its own private key (ECDHE)';
  if (message === 'ServerHello')
    return `the client combines the server’s key share with its own private key (ECDHE)${resumed ? '; the pre-shared key stands in for certificates' : ''}`;
  return `the ${to} uses the ${from}’s public key`;
}

/** Asymmetric vs symmetric at `arrow`: its sender's first sealed record, and/or the last public-key operation. */
export function explainSymmetric(view: RunView, arrow: Arrow, keyExchange: 'ECDHE' | 'RSA' | undefined): Explanation[] {
  const out: Explanation[] = [];
  const firstSealed = view.arrows.find((a) => a.from === arrow.from && a.keyName);
  if (firstSealed === arrow && arrow.keyName) {
    const early = arrow.keyName === 'client_early_traffic_secret';
    out.push({
      title: `Symmetric from here: the ${arrow.from}’s first sealed record`,
      text:
        `This is the first record the ${arrow.from} seals, with a key from ${short(arrow.keyName)}: a symmetric key — the ${peer(arrow.from)} derived the very same one and opens the record with it. ` +
        (early
          ? 'It comes from the pre-shared key of an earlier connection, not from this handshake’s key exchange.'
          : 'Public-key (asymmetric) cryptography only agreed on the secret it comes from and proves who is who; protecting the records is fast symmetric AEAD.'),
      rfc: view.arrows.some((a) => a.messages.includes('ServerKeyExchange') || a.messages.includes('ClientKeyExchange')) ? 'RFC 5246 §6.2.3.3' : 'RFC 8446 §5.2',
      claims: [{ kind: 'first-sealed' }],
    });
  }
  const last = lastPublicKeyArrow(view);
  if (last?.arrow === arrow) {
    const resumed = sent(view, 'server').some((m) => m.name === 'ServerHello' && m.spans.some((s) => s.label === 'extension' && s.value === 'pre_shared_key'));
    out.push({
      title: 'The last public-key operation: asymmetric ends here',
      text: `Reading this record, ${publicKeyWork(last.message, arrow.from, keyExchange, resumed)}. That is the handshake’s last public-key operation: from here on only symmetric cryptography — the Finished messages are MACs, and every record is sealed with AEAD keys both sides derived.`,
      rfc: 'RFC 8446 §1.2',
      claims: [{ kind: 'last-public-key' }],
    });
  }
  return out;
}

/** One-way vs mutual at `arrow`: the server's CertificateRequest, or the end of its handshake flight without one. */
export function explainClientAuth(view: RunView, arrow: Arrow): Explanation[] {
  if (arrow.from !== 'server') return [];
  const names = arrow.messages.map((m) => m.replace(/ \(fragment\)$/, ''));
  if (names.includes('CertificateRequest'))
    return [
      {
        title: 'Mutual TLS, not one-way',
        text: 'With this CertificateRequest the handshake becomes mutual: the client too must show a certificate and sign the transcript with its key, and the server checks both. Without it TLS is one-way — only the server proves who it is.',
        rfc: 'RFC 8446 §4.3.2',
        claims: [{ kind: 'client-auth', value: 'mutual' }],
      },
    ];
  // Where the server's handshake flight ends (TLS 1.2 ServerHelloDone, TLS 1.3 Finished) with
  // no CertificateRequest sent: one-way.
  const firstEnd = view.arrows.find((a) => a.from === 'server' && (a.messages.includes('ServerHelloDone') || a.messages.includes('Finished')));
  if (firstEnd !== arrow || sent(view, 'server').some((m) => m.name === 'CertificateRequest')) return [];
  const serverCert = sent(view, 'server').some((m) => m.name === 'Certificate');
  return [
    {
      // Resumed (RFC 8446 §2.2): both sides prove they hold the ticket's PSK (the client with the
      // binder, both with Finished), so "only the server proves" would not be true here.
      title: serverCert ? 'One-way TLS: only the server proves who it is' : 'One-way TLS: the client is not asked who it is',
      text: serverCert
        ? 'The server’s flight ends without a CertificateRequest: the client is not asked who it is. The server has shown its certificate and signed the transcript; the client stays anonymous at the TLS level (a web login, if any, happens inside the connection). That is one-way TLS, the usual case; mutual TLS would add a CertificateRequest here.'
        : 'The server’s flight ends without a CertificateRequest (a server that authenticates with a PSK must not send one, RFC 8446 §4.3.2). In this resumed handshake the server shows no certificate either: both sides prove they hold the ticket’s pre-shared key — the client with the PSK binder, both with their Finished — which ties them to the earlier connection that issued the ticket. No certificate proves who the client is in this handshake: one-way.',
      rfc: 'RFC 8446 §4.3.2',
      claims: [{ kind: 'client-auth', value: 'one-way' }],
    },
  ];
}
