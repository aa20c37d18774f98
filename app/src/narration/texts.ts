/**
 * Plain-language explanations for each kind of step, with the RFC section that defines it.
 * Written for a person who knows what a network is but not how TLS works.
 *
 * Every fact a text states about the run comes from the context (which narrate.ts builds from
 * the events, never from the settings) and is returned as a claim beside the prose, so a test
 * can check each claim against the bytes (check-claims.ts).
 */
import type { ServerNameForms, Side, TlsVersionName } from '@tlslab/engine';
import { roundTripsAt } from '../store/facts';
import type { ClaimBody } from './claims';

export interface Explanation {
  title: string;
  text: string;
  rfc: string;
  /** What the text says about the record it narrates (or the run), to be checked against the events. */
  claims: ClaimBody[];
}

/** Facts about the narrated record, all derived from the events up to it. */
export interface Ctx {
  from: Side;
  /** The version the record belongs to: a ClientHello's highest offered version, else the one negotiated so far. */
  version: TlsVersionName | undefined;
  keyExchange: 'ECDHE' | 'RSA' | undefined;
  /** This ClientHello offers a ticket (pre_shared_key). */
  offersTicket?: boolean;
  /** This ServerHello accepts the offered ticket (pre_shared_key). */
  resumed?: boolean;
  /** The other side sends the next record. */
  lastOfFlight?: boolean;
  /** This Certificate message's number of certificates. */
  certificates?: number;
  /** The server name the client sends (null: no SNI; undefined: not known), from the run event. */
  sni?: ServerNameForms | null;
}

/** What the ClientHello says about the server name, from the run event. */
function sniPhrase(c: Ctx): string {
  if (c.sni === null) return 'no server name (this client sends no SNI, so the server cannot tell which site is wanted)';
  if (c.sni?.idn) return `the server name it wants (SNI: ${c.sni.uLabel}, sent in its ASCII form ${c.sni.aLabel})`;
  return 'the server name it wants (SNI)';
}

type Entry = (c: Ctx) => Explanation;

const versionClaim = (c: Ctx): ClaimBody[] => (c.version ? [{ kind: 'version', version: c.version }] : []);

const R13 = 'RFC 8446';
const R12 = 'RFC 5246';

export const MESSAGES: Record<string, Entry> = {
  ClientHello: (c) => ({
    title: 'The client says hello',
    text:
      c.version === 'TLS 1.2'
        ? `The client opens with its client random (32 fresh bytes that make this session unique), the versions and cipher suites it supports, and ${sniPhrase(c)}. Nothing is secret yet: everything here travels in the clear.`
        : `The client opens with its client random (32 fresh bytes), the cipher suites and groups it supports, ${sniPhrase(c)} — and already a key share: an ephemeral Diffie-Hellman public key, guessing the group the server will pick. That guess is what lets TLS 1.3 finish in one round trip.` +
          (c.offersTicket
            ? ' It also offers the session ticket an earlier connection gave it (pre_shared_key, always the last extension), with a binder: a MAC over this ClientHello keyed from the ticket’s pre-shared key, proving the client holds it.'
            : ''),
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.1.2` : `${R13} §4.1.2`,
    claims: [...versionClaim(c), { kind: 'plaintext' }, ...(c.offersTicket ? [{ kind: 'offers-ticket' } as const] : [])],
  }),
  /** The second ClientHello, after a HelloRetryRequest. */
  'ClientHello (retry)': () => ({
    title: 'The client says hello again',
    text: 'After the HelloRetryRequest the client sends a second ClientHello: the same client random and the same offer, but now with a key share for the group the server asked for. In the transcript that the Finished messages will prove, the first ClientHello is replaced by its hash (message_hash), followed by the HelloRetryRequest.',
    rfc: `${R13} §4.1.2`,
    claims: [{ kind: 'version', version: 'TLS 1.3' }, { kind: 'after-retry' }],
  }),
  HelloRetryRequest: () => ({
    title: 'The server asks the client to try again',
    text: "The client's key share was for a group the server does not want. Instead of failing, the server answers with a HelloRetryRequest naming the group it accepts; the client sends a second ClientHello with a key share for that group. It costs one extra round trip.",
    rfc: `${R13} §4.1.4`,
    claims: [{ kind: 'version', version: 'TLS 1.3' }, { kind: 'plaintext' }, { kind: 'retry-group' }],
  }),
  ServerHello: (c) => ({
    title: 'The server picks the parameters',
    text:
      c.version === 'TLS 1.2'
        ? 'The server chooses the version and cipher suite and sends its own server random. Client random and server random will both go into the master secret, so neither side alone decides the keys.'
        : c.resumed
          ? 'The server accepts the ticket: its ServerHello names the pre-shared key it chose (pre_shared_key) and carries its own key share. The key schedule now starts from the PSK instead of zeros, and still mixes in a fresh Diffie-Hellman secret (psk_dhe_ke), so forward secrecy is kept. No Certificate or CertificateVerify will follow: only the server that issued the ticket can know the PSK, and Finished proves it.'
          : "The server chooses the cipher suite, sends its server random and its own key share. Both sides can now compute the same Diffie-Hellman shared secret, and from it the handshake keys. Because these keys are ephemeral, recording today's traffic and stealing the server's key later does not decrypt it: that is forward secrecy. Every handshake message after this one is encrypted.",
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.1.3` : `${R13} §4.1.3`,
    claims: [
      ...versionClaim(c),
      { kind: 'plaintext' },
      ...(c.version === 'TLS 1.2' ? [] : [{ kind: 'handshake-encrypted-after' } as const]),
      ...(c.version !== 'TLS 1.2' && c.resumed ? [{ kind: 'resumed' } as const] : []),
    ],
  }),
  EncryptedExtensions: () => ({
    title: 'The rest of the server’s answer, encrypted',
    text: 'Extensions that do not need to be seen by the network (such as the chosen application protocol, ALPN) now travel encrypted under the server handshake traffic key.',
    rfc: `${R13} §4.3.1`,
    claims: [{ kind: 'encrypted', key: 'server_handshake_traffic_secret' }],
  }),
  CertificateRequest: (c) => ({
    title: 'The server asks for a client certificate (mutual TLS)',
    text: 'In mutual TLS the server also wants to know who the client is. It lists the signature algorithms (and CAs) it accepts; the client must answer with its own certificate and prove it holds the key.',
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.4` : `${R13} §4.3.2`,
    claims: versionClaim(c),
  }),
  Certificate: (c) => {
    // Unknown (a real peer's message we could not read): told as a chain, without a count.
    const n = c.certificates ?? 2;
    const rfc = c.version === 'TLS 1.2' ? `${R12} §7.4.2` : `${R13} §4.4.2`;
    const claims: ClaimBody[] = [...versionClaim(c), ...(c.certificates === undefined ? [] : [{ kind: 'certificates', value: n } as const])];
    if (c.from === 'client')
      return n === 0
        ? {
            title: 'The client has no certificate to show',
            text: 'The server asked for a client certificate, and the client has none: its Certificate message is empty. Whether to go on without one is the server’s choice; a server that requires one ends the handshake.',
            rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.6` : `${R13} §4.4.2.4`,
            claims,
          }
        : {
            title: 'The client shows its certificate',
            text: "The client sends its certificate chain. The server checks it against the CAs it trusts for client authentication, just as the client checked the server's.",
            rfc,
            claims,
          };
    const checks = 'The client checks every signature up to a root it trusts, the validity dates and the host name — see the Certificates tab.';
    return {
      title: n === 0 ? 'The server has no certificate to show' : 'The server shows its certificate chain',
      text:
        n === 0
          ? 'The server’s certificate list is empty: it has nothing to prove who it is, and the client cannot authenticate it.'
          : n === 1
            ? `The server sends a single certificate: its own, binding its public key to its name, with no intermediate CA. ${checks}`
            : `The server sends its certificate chain: its own certificate (binding its public key to its name) and ${n === 2 ? 'the CA certificate that signed it' : `${n - 1} CA certificates above it`}. ${checks}`,
      rfc,
      claims,
    };
  },
  CertificateVerify: (c) => ({
    title: c.from === 'server' ? 'The server proves it holds the private key' : 'The client proves it holds the private key',
    text: 'A certificate is public; anyone can send it. This message is a signature, with the certificate’s private key, over the hash of the whole handshake so far (the transcript). Only the real key holder can produce it, and it binds the key exchange to that identity.',
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.8` : `${R13} §4.4.3`,
    claims: versionClaim(c),
  }),
  Finished: (c) => ({
    title: c.from === 'server' ? 'The server’s Finished' : 'The client’s Finished',
    text:
      'Finished is a MAC over the transcript — every handshake message so far — keyed with a secret only the two endpoints can know. If an attacker had changed a single byte along the way (say, removed a strong cipher suite from the ClientHello), the two transcripts would differ and Finished would not verify. Finished proves the transcript.' +
      (c.version !== 'TLS 1.2' && c.from === 'server' ? ' With it, the server can already derive the application traffic keys.' : ''),
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.9` : `${R13} §4.4.4`,
    claims: [...versionClaim(c), { kind: 'encrypted' }],
  }),
  EndOfEarlyData: () => ({
    title: 'End of the early data',
    text: 'The server accepted the 0-RTT data. The client marks its end with EndOfEarlyData — still under the early traffic key — and then switches to the handshake traffic key for its Finished.',
    rfc: `${R13} §4.5`,
    claims: [
      { kind: 'early-data', value: 'accepted' },
      { kind: 'encrypted', key: 'client_early_traffic_secret' },
      { kind: 'next-encrypted', key: 'client_handshake_traffic_secret' },
    ],
  }),
  NewSessionTicket: () => ({
    title: 'A ticket for next time',
    text: 'After the handshake the server hands the client a ticket. A later connection can present it: both sides then derive the same pre-shared key from this session’s resumption_master_secret and the ticket nonce, and the server skips its certificate. The ticket itself is opaque to the client — this server seals the PSK inside it with its own key, so it stores nothing.',
    rfc: `${R13} §4.6.1`,
    claims: [
      { kind: 'encrypted', key: 'server_application_traffic_secret' },
      { kind: 'handshake-complete', value: true },
    ],
  }),
  ServerKeyExchange: () => ({
    title: 'The server’s ephemeral key, signed',
    text: "With an ECDHE suite the server sends a fresh Diffie-Hellman public key and signs it (with client random and server random) using its certificate's key, so the client knows the key really comes from the server. Fresh keys per connection give forward secrecy.",
    rfc: `${R12} §7.4.3 · RFC 8422 §5.4`,
    claims: [
      { kind: 'version', version: 'TLS 1.2' },
      { kind: 'key-exchange', value: 'ECDHE' },
    ],
  }),
  ServerHelloDone: (c) => ({
    title: 'The server is done talking',
    text: c.lastOfFlight ? 'The server has sent everything for this flight; now it is the client’s turn.' : 'The server has sent everything its hello needs.',
    rfc: `${R12} §7.4.5`,
    claims: [{ kind: 'version', version: 'TLS 1.2' }, ...(c.lastOfFlight ? [{ kind: 'last-of-flight' } as const] : [])],
  }),
  ClientKeyExchange: (c) =>
    c.keyExchange === 'RSA'
      ? {
          title: 'The premaster secret, encrypted to the server',
          text: "RSA key transport: the client makes a random 48-byte premaster secret and encrypts it with the public key from the server's certificate. Only the holder of the private key can decrypt it. Both sides then derive the master secret from the premaster (which formula: see the step that derives it). No forward secrecy: whoever gets the server's key later can decrypt recorded sessions. (If decryption fails, the server carries on with a random premaster so an attacker learns nothing — the failure only shows at Finished.)",
          rfc: `${R12} §7.4.7.1`,
          claims: [
            { kind: 'version', version: 'TLS 1.2' },
            { kind: 'key-exchange', value: 'RSA' },
          ],
        }
      : {
          title: 'The client’s ephemeral key',
          text: "The client sends its Diffie-Hellman public key. Each side combines its own private key with the other's public key to get the same premaster secret, which never crosses the wire.",
          rfc: `${R12} §7.4.7 · RFC 8422 §5.7`,
          claims: [
            { kind: 'version', version: 'TLS 1.2' },
            { kind: 'key-exchange', value: 'ECDHE' },
          ],
        },
  ChangeCipherSpec: (c) =>
    c.version === 'TLS 1.2'
      ? {
          title: 'Switching on encryption',
          text: 'From the next record on, this side encrypts with the keys from the key block.',
          rfc: `${R12} §7.1`,
          claims: [{ kind: 'version', version: 'TLS 1.2' }, { kind: 'plaintext' }, { kind: 'next-encrypted' }],
        }
      : {
          title: 'A compatibility record',
          text: 'TLS 1.3 does not need ChangeCipherSpec; it is sent only so that old middleboxes that expect a TLS 1.2-looking handshake let the connection through. A TLS 1.3 peer ignores it.',
          rfc: `${R13} §D.4`,
          claims: [{ kind: 'version', version: 'TLS 1.3' }, { kind: 'plaintext' }],
        },
};

/**
 * Application data. `handshakeDone`: its sender had sent its Finished and read the peer's
 * before this record; a server record before that is 0.5-RTT data (RFC 8446 §2.3). `flight`:
 * the engine's count of the flight it travels in (when it reaches the client).
 */
export function explainAppData(from: Side, version: TlsVersionName | undefined, handshakeDone: boolean, flight?: number): Explanation {
  const key = version === 'TLS 1.2' ? `${from}_write_key from the key block` : 'the application traffic key';
  const keyClaim = version === 'TLS 1.2' ? `${from}_write_key` : `${from}_application_traffic_secret`;
  const rtts = flight !== undefined ? roundTripsAt(flight) : undefined;
  const at = rtts !== undefined && from === 'server' ? ` It reaches the client ${rtts} round trip${rtts === '1' ? '' : 's'} after the client started.` : '';
  if (!handshakeDone && from === 'server')
    return {
      title: 'The response, already in the server’s first flight (0.5-RTT)',
      text: `The server accepted the 0-RTT request, so it answers at once, right after its Finished and before the client’s Finished arrives: 0.5-RTT data, sealed with the server application traffic key.${at} A full handshake answers a round trip later. The server sends this before it has seen the client’s Finished — it does not yet know the handshake completed.`,
      rfc: `${R13} §2.3, §4.4.4`,
      claims: [
        { kind: 'encrypted', key: keyClaim },
        { kind: 'handshake-complete', value: false },
      ],
    };
  return {
    title: from === 'client' ? 'The request, encrypted' : 'The response, encrypted',
    text: `The handshake is over: ${from === 'client' ? 'the client sends its HTTP request' : 'the server answers'} as application data, sealed with ${key}. The network sees only the record header and ciphertext.${at}`,
    rfc: version === 'TLS 1.2' ? `${R12} §6.2.3.3` : `${R13} §5.2`,
    claims: [
      { kind: 'encrypted', key: keyClaim },
      { kind: 'handshake-complete', value: true },
    ],
  };
}

/** What each fatal alert means, in plain words (RFC 8446 §6.2, RFC 5246 §7.2.2). */
const ALERT_MEANING: Record<string, string> = {
  certificate_expired: "the certificate's validity period is over (or has not begun)",
  bad_certificate: 'the certificate is not acceptable — for example it names a different host',
  unknown_ca: 'the chain does not lead to a root the checker trusts',
  certificate_unknown: 'the certificate could not be accepted',
  certificate_revoked: "the certificate's issuer has revoked it: a CRL the checker was given lists its serial number",
  unsupported_certificate: 'the certificate is of a kind that cannot be used here',
  decrypt_error: 'a signature or a Finished MAC did not verify',
  bad_record_mac: 'a record failed its AEAD authentication — it was changed in transit or sealed with another key',
  handshake_failure: 'there is no acceptable set of parameters (or, in TLS 1.2, a required certificate is missing)',
  certificate_required: 'the server requires a client certificate and got none',
  internal_error: 'the sender hit a problem on its own side, such as a certificate without its private key',
  protocol_version: 'there is no protocol version both sides accept',
  illegal_parameter: 'a field had a value that is not allowed',
  unexpected_message: 'a message arrived that is not valid at this point',
  decode_error: 'a message could not be parsed',
  insufficient_security: 'the parameters offered are too weak',
};

/** The client's 0-RTT data: sent in its first flight, under the early traffic key. */
export function explainEarlyData(): Explanation {
  return {
    title: 'The request, before the handshake is done (0-RTT)',
    text: 'Resuming, the client does not wait: right after its ClientHello it sends its request as early data, encrypted with the client_early_traffic_secret derived from the ticket’s PSK. If the server accepts it, the request is a round trip sooner — the handshake itself still takes one round trip. The price: early data has no forward secrecy with respect to the PSK, and an attacker can replay it to the server, so only requests that are safe to repeat belong here. Whether the server takes it shows in its answer.',
    rfc: `${R13} §2.3, §8`,
    claims: [
      { kind: 'early-data', value: 'sent' },
      { kind: 'encrypted', key: 'client_early_traffic_secret' },
    ],
  };
}

/** The client learns what became of its early data (shown at the step where it does). */
export function explainEarlyDataVerdict(verdict: 'accepted' | 'rejected', how: 'HelloRetryRequest' | 'TLS 1.2' | 'EncryptedExtensions'): Explanation {
  if (verdict === 'accepted')
    return {
      title: 'The server took the 0-RTT request',
      text: 'Its EncryptedExtensions carry early_data: the server read the request the client sent with its ClientHello and need not wait for the handshake to end to answer it.',
      rfc: `${R13} §4.2.10`,
      claims: [{ kind: 'early-data', value: 'accepted' }],
    };
  const why =
    how === 'HelloRetryRequest'
      ? 'A HelloRetryRequest rejects 0-RTT data: the server skips the early records, and the second ClientHello may not offer early data again.'
      : how === 'TLS 1.2'
        ? 'The server answered with TLS 1.2, which has no 0-RTT: it cannot read the early records.'
        : 'Its EncryptedExtensions carry no early_data: the server skipped the early records.';
  return {
    title: 'The server declined the 0-RTT request',
    text: `${why} If the handshake completes, the client sends the request again, under the application traffic key.`,
    rfc: `${R13} §4.2.10`,
    claims: [{ kind: 'early-data', value: 'rejected' }],
  };
}

export function explainAlert(
  description: string,
  from: Side,
  version: TlsVersionName | undefined,
  afterData: boolean,
  reason: string | undefined,
  encrypted: boolean,
): Explanation {
  const r = version === 'TLS 1.2' ? R12 : R13;
  const said = [{ kind: 'alert', side: from, description } as const];
  if (reason?.includes('downgrade sentinel'))
    return {
      title: 'The client catches a downgrade',
      text:
        'The server random ends with the bytes DOWNGRD\\x01. A server that speaks TLS 1.3 writes them when it answers with TLS 1.2, and this client offered TLS 1.3 — so someone must have removed it from the ClientHello on the way. ' +
        (encrypted ? 'The client stops with illegal_parameter.' : 'The client stops with illegal_parameter before using any handshake key: the alert goes in the clear.') +
        ' (Had it gone on, its Finished would have failed too: the server saw a different ClientHello.)',
      rfc: `${R13} §4.1.3`,
      claims: [...said, encrypted ? { kind: 'encrypted' } : { kind: 'plaintext' }],
    };
  if (description === 'close_notify')
    return {
      title: 'Closing the connection',
      text: `The ${from} says it will send nothing more (close_notify). Closing with an alert, not just dropping the connection, tells the peer the data was not cut short by an attacker.`,
      rfc: version === 'TLS 1.2' ? `${R12} §7.2.1` : `${R13} §6.1`,
      claims: said,
    };
  return {
    title: `The ${from} gives up: ${description}`,
    text: `The ${from} sends a fatal alert (${description}) and closes the connection: ${ALERT_MEANING[description] ?? 'something failed a check'}.${afterData ? '' : ' No application data was exchanged.'} The outcome line below, the previous steps and the Certificates tab show the details.`,
    rfc: version === 'TLS 1.2' ? `${R12} §7.2.2` : `${r} §6.2`,
    claims: [...said, { kind: 'fatal' }, ...(afterData ? [] : [{ kind: 'no-data-before' } as const])],
  };
}
