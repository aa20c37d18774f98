/**
 * Plain-language explanations for each kind of step, with the RFC section that defines it.
 * Written for a person who knows what a network is but not how TLS works.
 */
import type { ServerNameForms, Side, TlsVersionName } from '@tlslab/engine';
import { roundTripsAt } from '../store/facts';

export interface Explanation {
  title: string;
  text: string;
  rfc: string;
}

interface Ctx {
  from: Side;
  version: TlsVersionName | undefined;
  keyExchange: 'ECDHE' | 'RSA' | undefined;
  /** TLS 1.3: the client offers a ticket from an earlier session / the server accepted it. */
  offersTicket?: boolean;
  resumed?: boolean;
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
  }),
  /** The second ClientHello, after a HelloRetryRequest. */
  'ClientHello (retry)': () => ({
    title: 'The client says hello again',
    text: 'After the HelloRetryRequest the client sends a second ClientHello: the same client random and the same offer, but now with a key share for the group the server asked for. In the transcript that the Finished messages will prove, the first ClientHello is replaced by its hash (message_hash), followed by the HelloRetryRequest.',
    rfc: `${R13} §4.1.2`,
  }),
  HelloRetryRequest: () => ({
    title: 'The server asks the client to try again',
    text: "The client's key share was for a group the server does not want. Instead of failing, the server answers with a HelloRetryRequest naming the group it accepts; the client sends a second ClientHello with a key share for that group. It costs one extra round trip.",
    rfc: `${R13} §4.1.4`,
  }),
  ServerHello: (c) => ({
    title: 'The server picks the parameters',
    text:
      c.version === 'TLS 1.2'
        ? 'The server chooses the version and cipher suite and sends its own server random. Client random and server random will both go into the master secret, so neither side alone decides the keys.'
        : c.resumed
          ? "The server accepts the ticket: its ServerHello names the pre-shared key it chose (pre_shared_key) and carries its own key share. The key schedule now starts from the PSK instead of zeros, and still mixes in a fresh Diffie-Hellman secret (psk_dhe_ke), so forward secrecy is kept. No Certificate or CertificateVerify will follow: only the server that issued the ticket can know the PSK, and Finished proves it."
          : "The server chooses the cipher suite, sends its server random and its own key share. Both sides can now compute the same Diffie-Hellman shared secret, and from it the handshake keys. Because these keys are ephemeral, recording today's traffic and stealing the server's key later does not decrypt it: that is forward secrecy. Everything after this message is encrypted.",
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.1.3` : `${R13} §4.1.3`,
  }),
  EncryptedExtensions: () => ({
    title: 'The rest of the server’s answer, encrypted',
    text: 'Extensions that do not need to be seen by the network (such as the chosen application protocol, ALPN) now travel encrypted under the server handshake traffic key.',
    rfc: `${R13} §4.3.1`,
  }),
  CertificateRequest: (c) => ({
    title: 'The server asks for a client certificate (mutual TLS)',
    text: 'In mutual TLS the server also wants to know who the client is. It lists the signature algorithms (and CAs) it accepts; the client must answer with its own certificate and prove it holds the key.',
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.4` : `${R13} §4.3.2`,
  }),
  Certificate: (c) => ({
    title: c.from === 'server' ? 'The server shows its certificate chain' : 'The client shows its certificate',
    text:
      c.from === 'server'
        ? 'The server sends its certificate chain: its own certificate (binding its public key to its name) and the intermediate CA that signed it. The client checks every signature up to a root it trusts, the validity dates and the host name — see the Certificates tab.'
        : "The client sends its certificate chain. The server checks it against the CAs it trusts for client authentication, just as the client checked the server's.",
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.2` : `${R13} §4.4.2`,
  }),
  CertificateVerify: (c) => ({
    title: c.from === 'server' ? 'The server proves it holds the private key' : 'The client proves it holds the private key',
    text: 'A certificate is public; anyone can send it. This message is a signature, with the certificate’s private key, over the hash of the whole handshake so far (the transcript). Only the real key holder can produce it, and it binds the key exchange to that identity.',
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.8` : `${R13} §4.4.3`,
  }),
  Finished: (c) => ({
    title: c.from === 'server' ? 'The server’s Finished' : 'The client’s Finished',
    text:
      'Finished is a MAC over the transcript — every handshake message so far — keyed with a secret only the two endpoints can know. If an attacker had changed a single byte along the way (say, removed a strong cipher suite from the ClientHello), the two transcripts would differ and Finished would not verify. Finished proves the transcript.' +
      (c.version !== 'TLS 1.2' && c.from === 'server' ? ' With it, the server can already derive the application traffic keys.' : ''),
    rfc: c.version === 'TLS 1.2' ? `${R12} §7.4.9` : `${R13} §4.4.4`,
  }),
  EndOfEarlyData: () => ({
    title: 'End of the early data',
    text: 'The server accepted the 0-RTT data. The client marks its end with EndOfEarlyData — still under the early traffic key — and then switches to the handshake traffic key for its Finished.',
    rfc: `${R13} §4.5`,
  }),
  NewSessionTicket: () => ({
    title: 'A ticket for next time',
    text: 'After the handshake the server hands the client a ticket. A later connection can present it: both sides then derive the same pre-shared key from this session’s resumption_master_secret and the ticket nonce, and the server skips its certificate. The ticket itself is opaque to the client — this server seals the PSK inside it with its own key, so it stores nothing.',
    rfc: `${R13} §4.6.1`,
  }),
  ServerKeyExchange: () => ({
    title: 'The server’s ephemeral key, signed',
    text: "With an ECDHE suite the server sends a fresh Diffie-Hellman public key and signs it (with client random and server random) using its certificate's key, so the client knows the key really comes from the server. Fresh keys per connection give forward secrecy.",
    rfc: `${R12} §7.4.3 · RFC 8422 §5.4`,
  }),
  ServerHelloDone: () => ({
    title: 'The server is done talking',
    text: 'The server has sent everything for this flight; now it is the client’s turn.',
    rfc: `${R12} §7.4.5`,
  }),
  ClientKeyExchange: (c) =>
    c.keyExchange === 'RSA'
      ? {
          title: 'The premaster secret, encrypted to the server',
          text: "RSA key transport: the client makes a random 48-byte premaster secret and encrypts it with the public key from the server's certificate. Only the holder of the private key can decrypt it. Both sides then derive the master secret from the premaster (which formula: see the step that derives it). No forward secrecy: whoever gets the server's key later can decrypt recorded sessions. (If decryption fails, the server carries on with a random premaster so an attacker learns nothing — the failure only shows at Finished.)",
          rfc: `${R12} §7.4.7.1`,
        }
      : {
          title: 'The client’s ephemeral key',
          text: "The client sends its Diffie-Hellman public key. Each side combines its own private key with the other's public key to get the same premaster secret, which never crosses the wire.",
          rfc: `${R12} §7.4.7 · RFC 8422 §5.7`,
        },
  ChangeCipherSpec: (c) =>
    c.version === 'TLS 1.2'
      ? { title: 'Switching on encryption', text: 'From the next record on, this side encrypts with the keys from the key block.', rfc: `${R12} §7.1` }
      : {
          title: 'A compatibility record',
          text: 'TLS 1.3 does not need ChangeCipherSpec; it is sent only so that old middleboxes that expect a TLS 1.2-looking handshake let the connection through. It is ignored by the peer.',
          rfc: `${R13} §D.4`,
        },
};

export function explainAppData(from: Side, version: TlsVersionName | undefined, phase?: 'early' | 'half-rtt' | 'application', flight?: number): Explanation {
  const key = version === 'TLS 1.2' ? `${from}_write_key from the key block` : 'the application traffic key';
  const rtts = flight !== undefined ? roundTripsAt(flight) : undefined;
  const at = rtts !== undefined && from === 'server' ? ` It reaches the client ${rtts} round trip${rtts === '1' ? '' : 's'} after the client started.` : '';
  if (phase === 'half-rtt')
    return {
      title: 'The response, already in the server’s first flight (0.5-RTT)',
      text: `The server accepted the 0-RTT request, so it answers at once, right after its Finished and before the client’s Finished arrives: 0.5-RTT data, sealed with the server application traffic key.${at} A full handshake answers a round trip later. The server sends this before it has seen the client’s Finished — it does not yet know the handshake completed.`,
      rfc: `${R13} §2.3, §4.4.4`,
    };
  return {
    title: from === 'client' ? 'The request, encrypted' : 'The response, encrypted',
    text: `The handshake is over: ${from === 'client' ? 'the client sends its HTTP request' : 'the server answers'} as application data, sealed with ${key}. The network sees only the record header and ciphertext.${at}`,
    rfc: version === 'TLS 1.2' ? `${R12} §6.2.3.3` : `${R13} §5.2`,
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
export function explainEarlyData(accepted: boolean | undefined): Explanation {
  return {
    title: 'The request, before the handshake is done (0-RTT)',
    text:
      'Resuming, the client does not wait: right after its ClientHello it sends its request as early data, encrypted with the client_early_traffic_secret derived from the ticket’s PSK. It saves a round trip, at a price: early data has no forward secrecy with respect to the PSK, and an attacker can replay it to the server, so only requests that are safe to repeat belong here.' +
      (accepted === false ? ' This server declined it: it skips the early records and the client must send the request again after the handshake.' : ''),
    rfc: `${R13} §2.3, §8`,
  };
}

export function explainAlert(description: string, from: Side, version: TlsVersionName | undefined, afterData: boolean, reason?: string): Explanation {
  const r = version === 'TLS 1.2' ? R12 : R13;
  if (reason?.includes('downgrade sentinel'))
    return {
      title: 'The client catches a downgrade',
      text: 'The server random ends with the bytes DOWNGRD\\x01. A server that speaks TLS 1.3 writes them when it answers with TLS 1.2, and this client offered TLS 1.3 — so someone must have removed it from the ClientHello on the way. The client stops with illegal_parameter before using any key. (Had it gone on, its Finished would have failed too: the server saw a different ClientHello.)',
      rfc: `${R13} §4.1.3`,
    };
  if (description === 'close_notify')
    return {
      title: 'Closing the connection',
      text: `The ${from} says it will send nothing more (close_notify). Closing with an alert, not just dropping the connection, tells the peer the data was not cut short by an attacker.`,
      rfc: version === 'TLS 1.2' ? `${R12} §7.2.1` : `${R13} §6.1`,
    };
  return {
    title: `The ${from} gives up: ${description}`,
    text: `The ${from} sends a fatal alert (${description}) and closes the connection: ${ALERT_MEANING[description] ?? 'something failed a check'}.${afterData ? '' : ' No application data was exchanged.'} The outcome line below, the previous steps and the Certificates tab show the details.`,
    rfc: version === 'TLS 1.2' ? `${R12} §7.2.2` : `${r} §6.2`,
  };
}
