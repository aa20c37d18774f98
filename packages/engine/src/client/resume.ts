/**
 * TLS 1.3 session resumption on the client (RFC 8446 §2.2, §4.2.11, §4.6.1):
 *
 * - after the handshake, each NewSessionTicket becomes a `ResumptionTicket` whose PSK is
 *   HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length);
 * - with `ClientConfig.resume`, the ClientHello offers that PSK: psk_key_exchange_modes
 *   (psk_dhe_ke) and, last, pre_shared_key with the ticket, its obfuscated age and a binder
 *   HMAC(finished_key(binder_key), Transcript-Hash(Truncate(ClientHello))) (§4.2.11.2), where
 *   binder_key = Derive-Secret(Early Secret(PSK), "res binder", ""). `preparePsk` decides
 *   whether to offer it and starts its key schedule; hello.ts `encodeClientHello` computes the
 *   binder; `earlyDataPossible` whether 0-RTT data goes with it.
 *
 * After ServerHello: the key schedule goes on from the PSK if the server selected it, and
 * EncryptedExtensions answers our 0-RTT data (RFC 8446 §4.2.10).
 *
 * Every function here returns new values (a PSK, a key schedule, a ticket); none changes the
 * offer it is given.
 */
import type { ClientConfig, ResumptionTicket } from '../config';
import { suite13ByName, TLS13_SUITES, type Suite13 } from '../crypto/tls13-suites';
import { KeySchedule } from '../crypto/tls13-key-schedule';
import { TlsError } from '../errors';
import { CIPHER_SUITES, nameOf } from '../msgs/enums';
import { findExt } from '../msgs/extensions';
import type { HandshakeMessage } from '../msgs/handshake';
import type { HandshakeIo } from '../record/handshake-io';
import type { Protection13 } from '../record/tls13';
import { clientNow, type Offer, type OfferedPsk } from './hello';

/** RFC 8446 §4.6.1: ticket_lifetime is at most seven days. */
const MAX_TICKET_LIFETIME = 604800;

/**
 * Decides whether `cfg.resume` can be offered (RFC 8446 §4.2.11, §4.6.1) and, if so, starts
 * its key schedule: Early Secret from the PSK and binder_key. Each reason not to offer it is
 * reported as a note; the handshake is then a full one.
 */
export function preparePsk(io: HandshakeIo, cfg: ClientConfig, offer: Offer): OfferedPsk | undefined {
  const t = cfg.resume;
  if (!t) return undefined;
  const suite = suite13ByName(t.cipherSuite);
  const offered13 = TLS13_SUITES.filter((s) => offer.suites.includes(s.code));
  if (!offer.versions.includes(0x0304) || offered13.length === 0) {
    io.note('A ticket was given, but this ClientHello offers no TLS 1.3: resumption with a ticket is TLS 1.3 only here.', 'RFC 8446 §2.2');
    return undefined;
  }
  if (!suite) throw new TlsError('LocalConfig', `the ticket's cipher suite ${t.cipherSuite} is not a TLS 1.3 suite`);
  // RFC 8446 §4.2.11: a PSK can only be used with a suite of its hash.
  if (!offered13.some((s) => s.hash === suite.hash)) {
    io.note(`The ticket is for ${suite.hash} suites, and this ClientHello offers none: not offering it.`, 'RFC 8446 §4.2.11');
    return undefined;
  }
  // RFC 8446 §4.6.1: only resume with the server name of the original connection.
  if ((t.serverName ?? '') !== (offer.serverName ?? '')) {
    io.note(`The ticket was issued for server name "${t.serverName ?? ''}", not "${offer.serverName ?? ''}": not offering it.`, 'RFC 8446 §4.6.1');
    return undefined;
  }
  const ageMs = clientNow(cfg) - t.receivedAt;
  // RFC 8446 §4.2.11: clients MUST NOT use tickets older than ticket_lifetime.
  if (ageMs > t.lifetime * 1000 || ageMs < 0) {
    io.note(`The ticket is ${Math.round(ageMs / 1000)} s old and its lifetime is ${t.lifetime} s: not offering it.`, 'RFC 8446 §4.6.1');
    return undefined;
  }
  const ks = new KeySchedule(suite.hash, (s) => io.secret(s));
  ks.deriveEarlySecret(t.psk);
  const binderKey = ks.deriveBinderKey();
  const obfuscatedAge = (ageMs + t.ageAdd) >>> 0;
  io.note(
    `Offering the ticket from an earlier connection (${t.ticket.length} bytes, ${t.cipherSuite}): ticket age ${ageMs} ms, obfuscated_ticket_age = (${ageMs} + ticket_age_add) mod 2^32 = ${obfuscatedAge}.`,
    'RFC 8446 §4.2.11.1',
  );
  return { ticket: t, suite, ks, binderKey, obfuscatedAge };
}

/**
 * Whether to send `cfg.earlyData` as 0-RTT with this PSK (RFC 8446 §4.2.10): the ticket must
 * allow that much, and the ClientHello must offer the ticket's suite and ALPN. Reasons not to
 * are notes; the data can still be sent after the handshake.
 */
export function earlyDataPossible(io: HandshakeIo, cfg: ClientConfig, offer: Offer): boolean {
  const data = cfg.earlyData;
  const psk = offer.psk;
  if (!data) return false;
  const why = !psk
    ? 'no ticket is offered'
    : !psk.ticket.maxEarlyDataSize
      ? 'the ticket allows no early data'
      : data.length > psk.ticket.maxEarlyDataSize
        ? `${data.length} bytes is more than the ticket's max_early_data_size ${psk.ticket.maxEarlyDataSize}`
        : !offer.suites.includes(psk.suite.code)
          ? `this ClientHello does not offer the ticket's suite ${psk.suite.name}`
          : psk.ticket.alpn && !offer.alpn.includes(psk.ticket.alpn)
            ? `this ClientHello does not offer the ticket's ALPN "${psk.ticket.alpn}"`
            : undefined;
  if (why) {
    io.note(`Not sending 0-RTT data: ${why}.`, 'RFC 8446 §4.2.10');
    return false;
  }
  return true;
}

/**
 * The key schedule the handshake goes on with: the one our PSK started (the server selected
 * it, RFC 8446 §4.2.11), else a fresh one with Early Secret = HKDF-Extract(0, 0).
 */
export function pskSchedule(io: HandshakeIo, offer: Offer, suite: Suite13, selectedIdentity: number | undefined): KeySchedule {
  if (selectedIdentity !== undefined) {
    // RFC 8446 §4.2.11: selected_identity within what we offered (one identity), and a suite of the PSK's hash.
    if (!offer.psk) throw new TlsError('PeerIllegalParameter', 'ServerHello selects a PSK, but we offered none');
    if (selectedIdentity !== 0) throw new TlsError('PeerIllegalParameter', `ServerHello selects PSK identity ${selectedIdentity}, but we offered only identity 0`);
    if (suite.hash !== offer.psk.suite.hash) {
      throw new TlsError('PeerIllegalParameter', `ServerHello selects the PSK with ${suite.name} (${suite.hash}); the ticket is for ${offer.psk.suite.hash}`);
    }
    io.note(
      'The server accepted our ticket (pre_shared_key selected_identity 0): this handshake resumes the earlier session, authenticated by the PSK — no certificate.',
      'RFC 8446 §2.2',
    );
    return offer.psk.ks; // Early Secret from the PSK, derived for the binder
  }
  if (offer.psk) io.note('The server did not accept our ticket: this is a full handshake.', 'RFC 8446 §4.2.11');
  const ks = new KeySchedule(suite.hash, (s) => io.secret(s));
  ks.deriveEarlySecret();
  return ks;
}

/**
 * The server's answer to our 0-RTT data (RFC 8446 §4.2.10): accepted (early_data in
 * EncryptedExtensions) returns the handshake write key to use after EndOfEarlyData; rejected
 * switches to it now and returns undefined.
 */
export function earlyDataAnswer(
  io: HandshakeIo,
  hs: { resumed: boolean; alpn: string | undefined; ticketAlpn: string | undefined },
  handshakeWrite: Protection13,
  accepted: boolean,
): Protection13 | undefined {
  if (accepted) {
    // RFC 8446 §4.2.10: early data goes with the first PSK (we offer one) and the ticket's ALPN.
    if (!hs.resumed) throw new TlsError('PeerIllegalParameter', 'EncryptedExtensions accepts early data, but the server did not accept our PSK');
    const ticketAlpn = hs.ticketAlpn;
    if ((ticketAlpn ?? '') !== (hs.alpn ?? '')) throw new TlsError('PeerIllegalParameter', `0-RTT accepted with ALPN "${hs.alpn ?? ''}", the ticket's is "${ticketAlpn ?? ''}"`);
    io.note('The server accepted our 0-RTT data; EndOfEarlyData will close it before our Finished.', 'RFC 8446 §4.2.10');
    io.emit({ type: 'negotiated', version: 'TLS 1.3', earlyData: 'accepted' });
    return handshakeWrite;
  }
  io.setWriteProtection(handshakeWrite);
  io.note('The server rejected our 0-RTT data (no early_data in EncryptedExtensions): send it again once connected.', 'RFC 8446 §4.2.10');
  io.emit({ type: 'negotiated', version: 'TLS 1.3', earlyData: 'rejected' });
  return undefined;
}

/**
 * A NewSessionTicket (RFC 8446 §4.6.1) after the handshake: the ticket's PSK from
 * resumption_master_secret and ticket_nonce. Undefined when the ticket is not to be kept.
 */
export function onNewSessionTicket(
  io: HandshakeIo,
  cfg: ClientConfig,
  m: Extract<HandshakeMessage, { type: 'NewSessionTicket' }>,
  app: { suite: Suite13; ks: KeySchedule; resumptionMasterSecret?: Uint8Array; alpn?: string },
  index: number,
  serverName: string | undefined,
): ResumptionTicket | undefined {
  if (!app.resumptionMasterSecret) throw new TlsError('LocalInternal', 'NewSessionTicket before resumption_master_secret');
  const psk = app.ks.ticketPsk(app.resumptionMasterSecret, m.nonce, `ticket_psk_${index}`);
  if (m.lifetime === 0) {
    io.note('NewSessionTicket with ticket_lifetime 0: the ticket is discarded at once.', 'RFC 8446 §4.6.1');
    return undefined;
  }
  if (m.lifetime > MAX_TICKET_LIFETIME) {
    io.note(`NewSessionTicket with ticket_lifetime ${m.lifetime} s, more than the 7 days RFC 8446 allows: not kept.`, 'RFC 8446 §4.6.1');
    return undefined;
  }
  const ed = findExt(m.extensions, 'early_data');
  const ticket: ResumptionTicket = {
    ticket: m.ticket,
    psk,
    cipherSuite: app.suite.name,
    ticketNonce: m.nonce,
    ageAdd: m.ageAdd,
    lifetime: m.lifetime,
    receivedAt: clientNow(cfg),
    ...(serverName !== undefined ? { serverName } : {}),
    ...(ed?.maxEarlyDataSize !== undefined ? { maxEarlyDataSize: ed.maxEarlyDataSize } : {}),
    ...(app.alpn !== undefined ? { alpn: app.alpn } : {}),
  };
  io.note(
    `Kept a session ticket (${m.ticket.length} bytes, lifetime ${m.lifetime} s, ${nameOf(CIPHER_SUITES, app.suite.code)}): a later connection can resume with its PSK (client.tickets).`,
    'RFC 8446 §4.6.1',
  );
  return ticket;
}
