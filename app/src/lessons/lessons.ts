/**
 * The lessons: short guided tours over real runs. Each lesson names the settings it needs;
 * each stop finds its step and field in the run's events (a message, a span label, a note, a
 * check) and says what it shows in plain language, with the values of this very run.
 * A stop that cannot be found in the run is reported as such, never guessed.
 */
import type { Scenario } from '@tlslab/engine';
import type { CertReportEvent, RunView } from '../store/derive';
import { suiteAnatomy } from '../inspector/suite';
import { andList, arrowOfEvent, arrowWhere, carrying, count, field, listed, nameOfValue, sentMessage, type Target } from './locate';

export interface Stop {
  title: string;
  locate: (run: RunView) => Target | undefined;
  /** Plain language, true of this run (its values are read from the target and the run). */
  text: (t: Target, run: RunView) => string;
}

export interface Lesson {
  id: string;
  title: string;
  blurb: string;
  /** The settings the lesson runs with (the rest are the defaults; the seed is kept). */
  scenario: Partial<Scenario>;
  stops: Stop[];
}

const v = (t: Target) => String(t.field?.span.value ?? '');
const bytes = (t: Target) => (t.field ? t.field.span.end - t.field.span.start : 0);
/** The length of a hex value (a field's value shown as hex, without its length prefix). */
const hexBytes = (value: string) => (/^([0-9a-f]{2})+$/i.test(value) ? value.length / 2 : '');

function clientHello(run: RunView) {
  return carrying(run, 'ClientHello', 'client');
}

function report(run: RunView, side: 'client' | 'server'): CertReportEvent['report'] | undefined {
  return run.events.find((e): e is CertReportEvent => e.type === 'cert-report' && e.side === side)?.report;
}

function reportStop(side: 'client' | 'server', title: string, intro: string): Stop {
  return {
    title,
    locate: (run) => {
      const at = arrowOfEvent(run, (e) => e.type === 'cert-report' && e.side === side);
      return at && { arrow: at.arrow, tab: 'certificates' };
    },
    text: (_t, run) => {
      const r = report(run, side)!;
      const failed = r.checks.filter((c) => !c.pass);
      const anchor = r.certificates.find((c) => c.role === 'anchor');
      return (
        `${intro} The ${side} ran ${count(r.checks.length, 'check')} on the chain (the ${count(r.certificates.filter((c) => c.role !== 'anchor' && c.role !== 'unused').length, 'certificate')} it received${anchor ? ' and the root they lead to' : ''})` +
        (failed.length === 0
          ? `; all passed. Verdict: ${r.verdict}.` +
            (anchor
              ? ` The chain ends at "${anchor.subject}", a root the ${side} already had in its trust store — that, and not anything the peer says, is why it is trusted.`
              : '')
          : `; ${count(failed.length, 'check')} failed: ${failed.map((c) => `${c.title} (${c.compared})`).join('; ')}. Verdict: ${r.verdict}.`) +
        ' The Certificates tab lists every check with the RFC rule behind it.'
      );
    },
  };
}

function alertStop(title: string, say: (description: string, t: Target) => string): Stop {
  return {
    title,
    locate: (run) => {
      const arrow = arrowWhere(run, (a) => !!a.alert && a.alert.level === 'fatal');
      return arrow && { arrow, field: field(run, arrow, 'description') };
    },
    text: (t) => say(t.arrow.alert!.description, t) + (t.arrow.alert!.reason ? ` The ${t.arrow.from}'s reason: ${t.arrow.alert!.reason}.` : ''),
  };
}

const offeredSuites: Stop = {
  title: 'The client offers cipher suites',
  locate: (run) => {
    const arrow = clientHello(run);
    return arrow && { arrow, field: field(run, arrow, 'cipher_suites') };
  },
  text: (t, run) => {
    const suites = listed(run, t.arrow, 'CipherSuite');
    return `The ClientHello lists the ${count(suites.length, 'cipher suite')} the client can use, in its order of preference: ${suites.join(', ')}. Nothing is secret yet: everything in this record travels in the clear.`;
  },
};

const finishedStop = (side: 'client' | 'server'): Stop => ({
  title: `The ${side}'s Finished`,
  locate: (run) => {
    const arrow = carrying(run, 'Finished', side);
    return arrow && { arrow, field: field(run, arrow, 'verify_data') };
  },
  text: (t) =>
    `Finished carries verify_data, ${bytes(t)} bytes computed from the secret keys and a hash of every handshake message so far (${v(t).slice(0, 16)}…). It is the first message sealed with ${t.arrow.keyName ?? 'the new keys'}; the other side recomputes it, so any change to an earlier message — by an attacker or a bug — shows here.`,
});

export const LESSONS: Lesson[] = [
  {
    id: 'rsa',
    title: 'The classic RSA handshake (TLS 1.2)',
    blurb: 'The client encrypts the premaster secret to the server’s RSA key: simple, and without forward secrecy.',
    scenario: { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'rsa-2048' },
    stops: [
      offeredSuites,
      {
        title: 'The server picks RSA key transport',
        locate: (run) => {
          const arrow = carrying(run, 'ServerHello', 'server');
          return arrow && { arrow, field: field(run, arrow, 'cipher_suite') };
        },
        text: (t) =>
          `The server chose ${nameOfValue(v(t))}: ${(suiteAnatomy(v(t))?.parts ?? []).map((p) => `${p.role} ${p.token}`).join(', ')}. Its flight is ${t.arrow.messages.join(', ')} — no ServerKeyExchange, because with RSA key transport the server has nothing to send but its certificate.`,
      },
      {
        title: 'The premaster secret, encrypted to the server',
        locate: (run) => {
          const arrow = carrying(run, 'ClientKeyExchange', 'client');
          return arrow && { arrow, field: field(run, arrow, 'pre_master_secret') };
        },
        text: (t) =>
          `The client picked 48 random bytes (the premaster secret) and encrypted them with the RSA public key from the server's certificate (RSAES-PKCS1-v1_5): these ${hexBytes(v(t))} bytes. Only the holder of the private key can open them. That is also the weakness: anyone who records this connection and later obtains the server's key can decrypt the premaster and every byte that followed — no forward secrecy.`,
      },
      finishedStop('client'),
    ],
  },
  {
    id: 'ecdhe',
    title: 'ECDHE and forward secrecy (TLS 1.2)',
    blurb: 'Both sides make a throw-away key pair; the server signs its half. A stolen server key cannot decrypt old recordings.',
    scenario: { version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'ecdsa-p256', group: 'x25519' },
    stops: [
      {
        title: "The server's ephemeral public key",
        locate: (run) => {
          const arrow = carrying(run, 'ServerKeyExchange', 'server');
          return arrow && { arrow, field: field(run, arrow, 'public') };
        },
        text: (t, run) =>
          `In ServerKeyExchange the server sends a public key on ${listed(run, t.arrow, 'namedcurve')[0] ?? 'the chosen curve'} that it made for this connection only: ${v(t).slice(0, 16)}…. Its private half never leaves the server and is thrown away after the handshake.`,
      },
      {
        title: 'Signed with the certificate key',
        locate: (run) => {
          const arrow = carrying(run, 'ServerKeyExchange', 'server');
          return arrow && { arrow, field: field(run, arrow, 'signature', { within: 'ServerKeyExchange' }) };
        },
        text: (t, run) =>
          `The server signs client_random, server_random and that public key with its certificate's private key (${listed(run, t.arrow, 'algorithm', 'ServerKeyExchange')[0] ?? 'its signature scheme'}), so a man in the middle cannot swap in a key of its own. The certificate key only signs here; it never encrypts a secret — asymmetric crypto for authentication, not for the keys.`,
      },
      {
        title: "The client's half",
        locate: (run) => {
          const arrow = carrying(run, 'ClientKeyExchange', 'client');
          return arrow && { arrow, field: field(run, arrow, 'ecdh_Yc') };
        },
        text: (t) =>
          `The client answers with its own ephemeral public key (${v(t).slice(0, 16)}…). Each side combines its private key with the other's public key and gets the same shared secret, which is never sent. Once both throw their private keys away, nobody — not even the server's owner — can recompute it: forward secrecy.`,
      },
      finishedStop('client'),
    ],
  },
  {
    id: 'tls13-1rtt',
    title: "TLS 1.3's one round trip",
    blurb: 'The client sends its key share up front, so keys exist after one flight each way and almost everything is encrypted.',
    scenario: { version: 'TLS 1.3' },
    stops: [
      {
        title: 'A key share in the first message',
        locate: (run) => {
          const arrow = clientHello(run);
          return arrow && { arrow, field: field(run, arrow, 'key_exchange', { within: 'key_share' }) };
        },
        text: (t, run) => {
          const groups = listed(run, t.arrow, 'group', 'key_share');
          return `The ClientHello already carries a public key for ${andList(groups)} in its key_share extension. TLS 1.2 needed a round trip before this; TLS 1.3 guesses the group and sends its half of the key exchange right away.`;
        },
      },
      {
        title: "The server's share: keys from here on",
        locate: (run) => {
          const arrow = carrying(run, 'ServerHello', 'server');
          return arrow && { arrow, field: field(run, arrow, 'key_exchange', { within: 'key_share' }) };
        },
        text: (t, run) =>
          `The ServerHello answers with the server's public key for ${listed(run, t.arrow, 'group', 'key_share')[0] ?? 'the chosen group'}. With it both sides compute the shared secret and derive the handshake traffic keys — the Keys tab shows each one.`,
      },
      {
        title: 'Everything else is encrypted',
        locate: (run) => {
          const arrow = carrying(run, 'EncryptedExtensions', 'server');
          return arrow && { arrow, field: field(run, arrow, 'encrypted_record') };
        },
        text: (t) =>
          `The rest of the server's flight — ${t.arrow.messages.join(', ')} — is one record sealed with ${t.arrow.keyName}. On the wire it claims to be application_data; an eavesdropper sees a ${t.arrow.record.bytes.length}-byte record and not even which certificate was sent.`,
      },
      {
        title: 'Data after one round trip',
        locate: (run) => {
          const arrow = arrowWhere(run, (a) => a.from === 'client' && a.appdata);
          return arrow && { arrow, field: field(run, arrow, 'application_data') };
        },
        text: (t, run) =>
          `The client's request goes out with ${t.arrow.keyName}, after ${count(run.handshakeRtts ?? 0, 'round trip')}: the ClientHello went out, the server's flight came back, and the client could send data straight after its Finished.`,
      },
    ],
  },
  {
    id: 'certificates',
    title: 'Certificates and the CA trust decision',
    blurb: 'The server sends a chain; the client checks every link up to a root it already trusts, then the server proves it holds the key.',
    scenario: { version: 'TLS 1.3' },
    stops: [
      {
        title: 'The chain the server sends',
        locate: (run) => {
          const arrow = carrying(run, 'Certificate', 'server');
          return arrow && { arrow, field: field(run, arrow, 'certificate_list') };
        },
        text: (t, run) => {
          const m = sentMessage(run, t.arrow, 'Certificate');
          const n = Number(m?.summary.certificates ?? listed(run, t.arrow, 'CertificateEntry').length);
          return `The Certificate message holds ${count(n, 'certificate')}: the server's own (end-entity) first, then the intermediate CA that signed it. The root is not sent: the client must already have it.`;
        },
      },
      reportStop('client', 'The client checks the chain', 'Each certificate is checked against the one above it: signature, names, validity dates, key usage, and the host name.'),
      {
        title: 'Proof of the private key',
        locate: (run) => {
          const arrow = carrying(run, 'CertificateVerify', 'server');
          return arrow && { arrow, field: field(run, arrow, 'signature', { within: 'CertificateVerify' }) };
        },
        text: (t, run) =>
          `A certificate is public, so anyone could send it. CertificateVerify proves the server holds the matching private key: a ${listed(run, t.arrow, 'algorithm', 'CertificateVerify')[0] ?? ''} signature over a hash of the whole handshake so far, which the client verifies with the certificate's public key.`,
      },
    ],
  },
  {
    id: 'mutual',
    title: 'One-way vs mutual TLS',
    blurb: 'Usually only the server proves who it is. With mutual TLS the server asks the client for a certificate too.',
    scenario: { version: 'TLS 1.3', mutual: true },
    stops: [
      {
        title: 'The server asks for a certificate',
        locate: (run) => {
          const arrow = carrying(run, 'CertificateRequest', 'server');
          return arrow && { arrow, field: field(run, arrow, 'CertificateRequest') };
        },
        text: (t, run) =>
          `In one-way TLS (the default) only the server authenticates. Here the server's flight includes CertificateRequest, naming the signature schemes it accepts (${andList(listed(run, t.arrow, 'SignatureScheme', 'CertificateRequest'))}): this is mutual TLS.`,
      },
      {
        title: "The client's certificate",
        locate: (run) => {
          const arrow = carrying(run, 'Certificate', 'client');
          return arrow && { arrow, field: field(run, arrow, 'certificate_list') };
        },
        text: (t) =>
          `The client answers with a Certificate of its own in its second flight (${t.arrow.messages.join(', ')}), encrypted with ${t.arrow.keyName}, so an eavesdropper cannot see who the client is.`,
      },
      {
        title: 'The client proves its key',
        locate: (run) => {
          const arrow = carrying(run, 'CertificateVerify', 'client');
          return arrow && { arrow, field: field(run, arrow, 'signature', { within: 'CertificateVerify' }) };
        },
        text: (t, run) =>
          `Like the server, the client signs the handshake transcript with its private key (${listed(run, t.arrow, 'algorithm', 'CertificateVerify')[0] ?? ''}). Only then is the client authenticated.`,
      },
      reportStop('server', 'The server checks the client', 'This time the server does the checking, against the CA it trusts for clients.'),
    ],
  },
  {
    id: 'bad-cert',
    title: 'A failing certificate',
    blurb: 'The server presents an expired certificate; the client refuses and says why in an alert.',
    scenario: { version: 'TLS 1.3', fault: 'expired-certificate' },
    stops: [
      {
        title: "The server's certificate",
        locate: (run) => {
          const arrow = carrying(run, 'Certificate', 'server');
          return arrow && { arrow, field: field(run, arrow, 'cert_data') };
        },
        text: (t, run) => {
          const sigs = report(run, 'client')?.checks.filter((c) => c.id === 'signature') ?? [];
          return `The end-entity certificate (${v(t)}) travels inside this encrypted record.${sigs.length > 0 && sigs.every((c) => c.pass) ? ' Its signatures are fine: the next stop shows which check fails.' : ''}`;
        },
      },
      reportStop('client', 'The check that fails', 'The client checks every certificate in the chain.'),
      alertStop('The client refuses', (d) => `The client sends a fatal ${d} alert and closes the connection: no application data is ever sent.`),
    ],
  },
  {
    id: 'downgrade',
    title: 'A downgrade caught',
    blurb: 'A man in the middle strips TLS 1.3 from the ClientHello; a sentinel in the server’s random gives it away.',
    scenario: { version: 'TLS 1.3', fault: 'downgrade' },
    stops: [
      {
        title: 'What the client asked for',
        locate: (run) => {
          const arrow = clientHello(run);
          return arrow && { arrow, field: field(run, arrow, 'versions', { within: 'supported_versions' }) };
        },
        text: (t, run) =>
          `The client's supported_versions lists ${andList(listed(run, t.arrow, 'ProtocolVersion', 'supported_versions'))}. ${t.arrow.notes.join(' ')} The Inspector shows both what was sent and what the server got.`,
      },
      {
        title: 'The sentinel in ServerHello.random',
        locate: (run) => {
          const arrow = carrying(run, 'ServerHello', 'server');
          return arrow && { arrow, field: field(run, arrow, 'random', { within: 'ServerHello' }) };
        },
        text: (t) =>
          `The server only saw TLS 1.2 offered, so it negotiated TLS 1.2 — but a server that speaks TLS 1.3 must end its random with "DOWNGRD" and 01 (444f574e47524401). This run's random is ${v(t).slice(0, 8)}…${v(t).slice(-16)}. The attacker cannot change it: the random feeds into the keys and the signatures.`,
      },
      alertStop('The client aborts', (d) => `The client sees the sentinel, knows it offered TLS 1.3, and aborts with ${d}.`),
    ],
  },
  {
    id: 'bleichenbacher',
    title: "Bleichenbacher's countermeasure",
    blurb: 'A malformed RSA premaster must look exactly like a wrong one, or the server becomes a decryption oracle.',
    scenario: { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'rsa-2048', fault: 'bad-premaster' },
    stops: [
      {
        title: 'A premaster that is not well-formed',
        locate: (run) => {
          const arrow = carrying(run, 'ClientKeyExchange', 'client');
          return arrow && { arrow, field: field(run, arrow, 'pre_master_secret') };
        },
        text: (t) => `${t.arrow.notes.join(' ')} These ${hexBytes(v(t))} bytes are the RSA ciphertext the server receives.`,
      },
      {
        title: 'The server says nothing',
        locate: (run) => {
          const at = arrowOfEvent(run, (e) => e.type === 'note' && e.side === 'server' && /Bleichenbacher/.test(e.text));
          return at && { arrow: at.arrow, tab: 'keys' };
        },
        text: (_t, run) => {
          const n = run.events.find((e) => e.type === 'note' && e.side === 'server' && /Bleichenbacher/.test(e.text));
          return `${n?.type === 'note' ? n.text : ''} If the server answered a bad premaster with its own alert, an attacker could send millions of altered ciphertexts and learn from the answers how to decrypt a recorded one (Bleichenbacher, 1998).`;
        },
      },
      alertStop(
        'The failure shows only at Finished',
        (d) =>
          `The client's Finished was sealed with keys from the real premaster, the server's keys came from the random one, so the record does not open: ${d} — the same answer any wrong key would get.`,
      ),
    ],
  },
  {
    id: 'resumption',
    title: 'Resumption and 0-RTT',
    blurb: 'A ticket from an earlier connection lets the client skip the certificate and even send data in its first flight.',
    scenario: { version: 'TLS 1.3', resumption: true, earlyData: true },
    stops: [
      {
        title: 'The ticket offered back',
        locate: (run) => {
          const arrow = clientHello(run);
          return arrow && { arrow, field: field(run, arrow, 'identity', { within: 'pre_shared_key' }) };
        },
        text: () =>
          `In pre_shared_key the client offers a ticket the server gave it on an earlier connection (opaque to the client: the server sealed the session's secret inside it). The server keeps no state; the ticket brings it back.`,
      },
      {
        title: 'The binder',
        locate: (run) => {
          const arrow = clientHello(run);
          return arrow && { arrow, field: field(run, arrow, 'PskBinderEntry') };
        },
        text: (t) =>
          `The binder (${v(t).slice(0, 16)}…) is an HMAC over this ClientHello made with a key derived from the ticket's secret: it proves the client really holds the secret, not just a copied ticket.`,
      },
      {
        title: 'Data before any answer (0-RTT)',
        locate: (run) => {
          const arrow = arrowWhere(run, (a) => a.from === 'client' && a.appdata && a.keyName === 'client_early_traffic_secret');
          return arrow && { arrow, field: field(run, arrow, 'application_data') };
        },
        text: (t, run) => {
          const first = run.arrows.find((a) => a.from === 'server');
          const before = !first || first.index > t.arrow.index;
          return `The client sends its request sealed with ${t.arrow.keyName}${before ? ', before the server has answered at all' : ''}. The price: early data can be replayed by an attacker, so it is only safe for requests that may run twice.`;
        },
      },
      {
        title: 'The server accepts the ticket',
        locate: (run) => {
          const arrow = carrying(run, 'ServerHello', 'server');
          return arrow && { arrow, field: field(run, arrow, 'selected_identity') };
        },
        text: (t) =>
          `selected_identity = ${v(t)}: the server accepted offered ticket number ${v(t)}. No Certificate and no CertificateVerify follow — the ticket's secret already proves who the server is.`,
      },
      {
        title: 'The end of early data',
        locate: (run) => {
          const arrow = carrying(run, 'EndOfEarlyData', 'client');
          return arrow && { arrow, field: field(run, arrow, 'EndOfEarlyData') };
        },
        text: (t) => `EndOfEarlyData (still under ${t.arrow.keyName}) marks where the 0-RTT data stops; the client's Finished follows under its handshake key.`,
      },
    ],
  },
  {
    id: 'hrr',
    title: 'HelloRetryRequest',
    blurb: 'The client guessed a key-share group the server does not want; the server asks once more.',
    scenario: { version: 'TLS 1.3', helloRetry: true },
    stops: [
      {
        title: 'The guess',
        locate: (run) => {
          const arrow = clientHello(run);
          return arrow && { arrow, field: field(run, arrow, 'client_shares') };
        },
        text: (t, run) =>
          `The client sends a key share for ${andList(listed(run, t.arrow, 'group', 'key_share'))} and says in supported_groups that it can also do ${andList(listed(run, t.arrow, 'NamedGroup', 'supported_groups'))}.`,
      },
      {
        title: 'The server asks again',
        locate: (run) => {
          const arrow = carrying(run, 'HelloRetryRequest', 'server');
          return arrow && { arrow, field: field(run, arrow, 'selected_group') };
        },
        text: (t, run) => {
          const random = field(run, t.arrow, 'random', { within: 'HelloRetryRequest' });
          return `The server picked ${nameOfValue(v(t))}, a group the client supports but sent no share for, so instead of a ServerHello it sends a HelloRetryRequest naming that group. It is a ServerHello with a fixed random (${String(random?.span.value ?? '')}), which is how the client tells the two apart. It costs one extra round trip.`;
        },
      },
      {
        title: 'The second ClientHello',
        locate: (run) => {
          const hrr = carrying(run, 'HelloRetryRequest', 'server');
          const arrow = hrr && carrying(run, 'ClientHello', 'client', hrr.index);
          return arrow && { arrow, field: field(run, arrow, 'client_shares') };
        },
        text: (t, run) => {
          const cookie = field(run, t.arrow, 'cookie');
          return `The client tries again with a share for ${andList(listed(run, t.arrow, 'group', 'key_share'))}${cookie ? ` and echoes the server's cookie (${String(cookie.span.value).slice(0, 16)}…)` : ''}. The transcript keeps both hellos, so neither can be changed later unnoticed.`;
        },
      },
    ],
  },
  {
    id: 'attacker',
    title: 'What an attacker on the path can and cannot do',
    blurb: 'It can read what is in the clear and change bytes; it cannot read encrypted records or change one unnoticed.',
    scenario: { version: 'TLS 1.3', fault: 'tamper-ciphertext' },
    stops: [
      {
        title: 'What it can read',
        locate: (run) => {
          const arrow = clientHello(run);
          return arrow && { arrow, field: field(run, arrow, 'host_name') };
        },
        text: (t) =>
          `The ClientHello is not encrypted: anyone on the path reads the server name the client asks for (${v(t)}), the offered suites and the key shares. Key shares are public keys, so reading them does not help compute the shared secret.`,
      },
      {
        title: 'What it cannot read',
        locate: (run) => {
          const arrow = arrowWhere(run, (a) => a.tampered);
          return arrow && { arrow, field: field(run, arrow, 'encrypted_record') };
        },
        text: (t) =>
          `${t.arrow.messages.join(', ')} travel in this record as ${bytes(t)} bytes of ciphertext (and a 16-byte authentication tag) under ${t.arrow.keyName}. The attacker does not have the key. But it can still change bytes: ${t.arrow.notes.join(' ')}`,
      },
      alertStop(
        'A change never goes unnoticed',
        (d) => `The AEAD tag of the altered record does not verify, so the client rejects it with ${d} and closes. The attacker can stop the connection, never alter it silently.`,
      ),
    ],
  },
];

export function lessonById(id: string | null | undefined): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
