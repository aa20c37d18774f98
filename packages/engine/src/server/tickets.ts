/**
 * TLS 1.3 session tickets on the server (RFC 8446 §2.2, §4.6.1, §4.2.11): issuing
 * NewSessionTickets after the handshake, and choosing (or declining) a PSK a ClientHello offers.
 *
 * Our choice: tickets are SELF-CONTAINED — the server keeps no session store. Everything it
 * needs to resume is sealed into the ticket with the server's ticket key (`ServerConfig.ticketKey`,
 * AES-GCM from the crypto provider), so any connection given the same key can open it:
 *
 *   struct {
 *     uint8  format = 1;
 *     CipherSuite cipher_suite;      // of the connection that issued it
 *     uint64 issued_at;              // ms since the epoch, server clock
 *     uint32 ticket_lifetime;        // seconds
 *     uint32 ticket_age_add;
 *     opaque psk<32..255>;           // HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)
 *     uint32 max_early_data_size;    // 0: no 0-RTT with this ticket
 *     opaque alpn<0..255>;           // the connection's ALPN protocol (0-RTT must keep it)
 *   } TicketContents;
 *
 *   ticket = nonce[12] ‖ AES-GCM-Seal(ticket_key, nonce, aad = "tlslab ticket v1", TicketContents)
 *
 * A ticket that does not open (another key, altered bytes), has expired, or whose suite's hash
 * differs from the one negotiated is declined: the handshake goes on as a full one (RFC 8446
 * §4.2.11). A ticket that opens but whose binder is wrong ends in decrypt_error (§4.2.11.2).
 */
import { concatBytes, equalBytes, toHex, utf8 } from '../codec/hex';
import type { ServerConfig } from '../config';
import { aeadOpen, aeadSeal } from '../crypto/aead';
import { suite13ByCode, suite13ByName, type Suite13 } from '../crypto/tls13-suites';
import { hash, hashLen } from '../crypto/hash';
import { KeySchedule } from '../crypto/tls13-key-schedule';
import { TlsError } from '../errors';
import { findExt } from '../msgs/extensions';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from '../msgs/handshake';
import type { HandshakeIo } from '../record/handshake-io';
import type { ClientHelloMsg } from './hello';

const TICKET_AAD = utf8.encode('tlslab ticket v1');
const TICKET_FORMAT = 1;
/** RFC 8446 §4.6.1: ticket_lifetime is at most seven days. */
export const MAX_TICKET_LIFETIME = 604800;
const DEFAULT_TICKET_LIFETIME = 7200;
/** psk_key_exchange_modes: psk_dhe_ke (RFC 8446 §4.2.9) — the only mode we do. */
export const PSK_DHE_KE = 1;

/** What a ticket carries (sealed inside it). */
export interface TicketContents {
  suite: Suite13;
  issuedAt: number;
  lifetime: number;
  ageAdd: number;
  psk: Uint8Array;
  maxEarlyData: number;
  alpn?: string;
}

function u32(v: number): Uint8Array {
  return new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
}

function checkTicketKey(key: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32) throw new TlsError('LocalConfig', `the ticket key is ${key.length} bytes; AES-GCM needs 16 or 32`);
}

/** Seals TicketContents with the ticket key (format above). */
export function sealTicket(key: Uint8Array, nonce: Uint8Array, t: TicketContents): Uint8Array {
  checkTicketKey(key);
  const issued = new Uint8Array(8);
  new DataView(issued.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(t.issuedAt))));
  const body = concatBytes(
    new Uint8Array([TICKET_FORMAT, t.suite.code >> 8, t.suite.code & 0xff]),
    issued,
    u32(t.lifetime),
    u32(t.ageAdd),
    new Uint8Array([t.psk.length]),
    t.psk,
    u32(t.maxEarlyData),
    new Uint8Array([utf8.encode(t.alpn ?? '').length]),
    utf8.encode(t.alpn ?? ''),
  );
  return concatBytes(nonce, aeadSeal(ticketAead(key), key, nonce, TICKET_AAD, body));
}

/** AES-128-GCM or AES-256-GCM, by the length of the ticket key (16 or 32 bytes: checkTicketKey). */
function ticketAead(key: Uint8Array): 'AES-128-GCM' | 'AES-256-GCM' {
  return key.length === 16 ? 'AES-128-GCM' : 'AES-256-GCM';
}

/** Opens a ticket sealed by `sealTicket`; undefined if it does not open or parse. */
export function openTicket(key: Uint8Array, ticket: Uint8Array): TicketContents | undefined {
  if (ticket.length < 12 + 16) return undefined;
  const body = aeadOpen(ticketAead(key), key, ticket.subarray(0, 12), TICKET_AAD, ticket.subarray(12));
  if (!body) return undefined;
  if (body.length < 20 || body[0] !== TICKET_FORMAT) return undefined;
  const suite = suite13ByCode((body[1]! << 8) | body[2]!);
  const issuedAt = Number(new DataView(body.buffer, body.byteOffset + 3, 8).getBigUint64(0));
  const lifetime = readU32(body, 11);
  const ageAdd = readU32(body, 15);
  const pskLen = body[19]!;
  const o = 20 + pskLen;
  if (!suite || body.length < o + 5) return undefined;
  const maxEarlyData = readU32(body, o);
  const alpnLen = body[o + 4]!;
  if (body.length !== o + 5 + alpnLen) return undefined;
  const alpn = alpnLen > 0 ? utf8.decode(body.subarray(o + 5)) : undefined;
  return { suite, issuedAt, lifetime, ageAdd, psk: body.slice(20, o), maxEarlyData, ...(alpn !== undefined ? { alpn } : {}) };
}

function serverNow(cfg: ServerConfig): number {
  return (cfg.now ?? new Date()).getTime();
}

/**
 * After the client's Finished: the PSKs of any fixed (RFC 8448 replay) tickets, then
 * `cfg.sessionTickets` NewSessionTickets of our own (RFC 8446 §4.6.1).
 */
export function sendNewSessionTickets(io: HandshakeIo, cfg: ServerConfig, ks: KeySchedule, suite: Suite13, resumptionMasterSecret: Uint8Array, alpn?: string): void {
  let index = 0;
  for (const t of cfg.fixed?.newSessionTickets ?? []) {
    const enc = decodeHandshake({ msgType: t[0]!, bytes: t, body: t.subarray(4) });
    if (enc.msg.type === 'NewSessionTicket') ks.ticketPsk(resumptionMasterSecret, enc.msg.nonce, `ticket_psk_${index++}`);
    io.queueHandshake(enc);
  }
  const count = cfg.sessionTickets ?? 0;
  if (count <= 0) return;
  const lifetime = cfg.ticketLifetime ?? DEFAULT_TICKET_LIFETIME;
  if (lifetime > MAX_TICKET_LIFETIME || lifetime < 0) throw new TlsError('LocalConfig', `ticket lifetime ${lifetime} s: RFC 8446 §4.6.1 allows 0 to 604800`);
  let key = cfg.ticketKey;
  if (!key) {
    key = cfg.rng(32);
    io.note('No ticket key is configured: these tickets are sealed with a one-off key, so no later connection can open them.', 'RFC 8446 §4.6.1');
  }
  for (let i = 0; i < count; i++) {
    // ticket_nonce: unique per ticket on this connection (RFC 8446 §4.6.1).
    const nonce = new Uint8Array([(index >> 8) & 0xff, index & 0xff]);
    const psk = ks.ticketPsk(resumptionMasterSecret, nonce, `ticket_psk_${index}`);
    const ageAdd = readU32(cfg.rng(4), 0);
    const maxEarlyData = cfg.maxEarlyData ?? 0;
    const ticket = sealTicket(key, cfg.rng(12), { suite, issuedAt: serverNow(cfg), lifetime, ageAdd, psk, maxEarlyData, ...(alpn ? { alpn } : {}) });
    // RFC 8446 §4.2.10: early_data in a NewSessionTicket announces max_early_data_size.
    const nst: HandshakeMessage = {
      type: 'NewSessionTicket',
      lifetime,
      ageAdd,
      nonce,
      ticket,
      extensions: maxEarlyData > 0 ? [{ type: 'early_data', maxEarlyDataSize: maxEarlyData }] : [],
    };
    io.queueHandshake(encodeHandshake(nst));
    index++;
  }
  io.note(
    `Sent ${count} NewSessionTicket${count > 1 ? 's' : ''}: each seals its PSK, the suite and the issue time with the server's ticket key (AES-GCM), so the server keeps nothing.`,
    'RFC 8446 §4.6.1',
  );
}

/**
 * Structural checks of pre_shared_key / psk_key_exchange_modes in any TLS 1.3 ClientHello
 * (RFC 8446 §4.2.11, §4.2.9). Returns the offered PSKs, or undefined if none.
 */
export function offeredPsks(ch: ClientHelloMsg): Extract<ClientHelloMsg['extensions'][number], { type: 'pre_shared_key' }> | undefined {
  const psk = findExt(ch.extensions, 'pre_shared_key');
  if (!psk) return undefined;
  // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension.
  if (ch.extensions[ch.extensions.length - 1] !== psk) throw new TlsError('PeerIllegalParameter', 'pre_shared_key is not the last extension of the ClientHello');
  // RFC 8446 §4.2.9: a client offering pre_shared_key MUST send psk_key_exchange_modes.
  if (!findExt(ch.extensions, 'psk_key_exchange_modes')) throw new TlsError('PeerMissingExtension', 'ClientHello offers pre_shared_key without psk_key_exchange_modes');
  if (psk.identities.length !== psk.binders.length) {
    throw new TlsError('PeerIllegalParameter', `pre_shared_key has ${psk.identities.length} identities but ${psk.binders.length} binders`);
  }
  return psk;
}

/** The PSK the server goes on with. */
export interface AcceptedPsk {
  index: number;
  ks: KeySchedule;
  /** What 0-RTT needs to know about the ticket (RFC 8446 §4.2.10). */
  suite: Suite13;
  maxEarlyData: number;
  alpn?: string;
  /** |client's ticket age − server's| in ms, when the server knows when it issued the ticket. */
  ageSkew?: number;
  /** Its binder: unique per ClientHello, the key of 0-RTT anti-replay (RFC 8446 §8.2). */
  binder: Uint8Array;
}

/**
 * Chooses a PSK from the ClientHello for the negotiated suite, verifying its binder over
 * Transcript-Hash(prefix ‖ Truncate(ClientHello)) (RFC 8446 §4.2.11.2), where `prefix` is
 * empty for a first ClientHello and message_hash ‖ HelloRetryRequest for a second one.
 * Undefined: no usable PSK, the handshake is a full one.
 */
export function choosePsk(io: HandshakeIo, cfg: ServerConfig, ch: ClientHelloMsg, chBytes: Uint8Array, prefix: Uint8Array, suite: Suite13): AcceptedPsk | undefined {
  const offered = offeredPsks(ch);
  if (!offered) return undefined;
  const modes = findExt(ch.extensions, 'psk_key_exchange_modes')!.modes;
  if (!modes.includes(PSK_DHE_KE)) {
    io.note('The client offers a PSK only for psk_ke (no (EC)DHE), which this server does not do: full handshake.', 'RFC 8446 §4.2.9');
    return undefined;
  }
  const now = serverNow(cfg);
  for (let i = 0; i < offered.identities.length; i++) {
    const id = offered.identities[i]!;
    let found: { psk: Uint8Array; suite: Suite13; ageAdd?: number; issuedAt?: number; lifetime?: number; maxEarlyData: number; alpn?: string } | undefined;
    const fixed = cfg.fixed?.resumptionPsks?.find((p) => equalBytes(p.identity, id.identity));
    if (fixed) {
      const s = suite13ByName(fixed.cipherSuite);
      if (s) {
        found = {
          psk: fixed.psk,
          suite: s,
          maxEarlyData: fixed.maxEarlyData ?? 0,
          ...(fixed.ageAdd !== undefined ? { ageAdd: fixed.ageAdd } : {}),
          ...(fixed.alpn !== undefined ? { alpn: fixed.alpn } : {}),
        };
      }
    } else if (cfg.ticketKey) {
      checkTicketKey(cfg.ticketKey);
      const t = openTicket(cfg.ticketKey, id.identity);
      if (t) found = t;
    }
    if (!found) {
      io.note(
        `The client offers a ticket (PSK identity ${i}, ${id.identity.length} bytes) this server cannot open — sealed with another ticket key, or altered: it is ignored.`,
        'RFC 8446 §4.2.11',
      );
      continue;
    }
    if (found.issuedAt !== undefined && found.lifetime !== undefined && now - found.issuedAt > found.lifetime * 1000) {
      io.note(`The offered ticket (PSK identity ${i}) expired ${Math.round((now - found.issuedAt) / 1000 - found.lifetime)} s ago: it is ignored.`, 'RFC 8446 §4.6.1');
      continue;
    }
    // RFC 8446 §4.2.11: the PSK must be used with a suite of the same hash.
    if (found.suite.hash !== suite.hash) {
      io.note(
        `The offered ticket (PSK identity ${i}) is for ${found.suite.name} (${found.suite.hash}); the negotiated ${suite.name} uses ${suite.hash}: it is ignored.`,
        'RFC 8446 §4.2.11',
      );
      continue;
    }
    let ageSkew: number | undefined;
    if (found.ageAdd !== undefined && found.issuedAt !== undefined) {
      const clientAge = (id.obfuscatedTicketAge - found.ageAdd) >>> 0;
      ageSkew = Math.abs(clientAge - (now - found.issuedAt));
      io.note(
        `Ticket age: the client says ${clientAge} ms (obfuscated_ticket_age − ticket_age_add mod 2^32), the server's clock ${now - found.issuedAt} ms.`,
        'RFC 8446 §4.2.11.1',
      );
    }
    // The binder (RFC 8446 §4.2.11.2): the ClientHello up to, not including, the binders list.
    const bindersLen = 2 + offered.binders.reduce((n, b) => n + 1 + b.length, 0);
    const truncated = chBytes.subarray(0, chBytes.length - bindersLen);
    const ks = new KeySchedule(suite.hash, (s) => io.secret(s));
    ks.deriveEarlySecret(found.psk);
    const binderKey = ks.deriveBinderKey();
    const th = hash(suite.hash, concatBytes(prefix, truncated));
    const expected = ks.binder(binderKey, th, prefix.length > 0 ? 'ClientHello1, HelloRetryRequest, Truncate(ClientHello2)' : 'Truncate(ClientHello)');
    const got = offered.binders[i]!;
    // Constant-time comparison (equalBytes); a wrong binder is a decrypt_error (RFC 8446 §4.2.11.2).
    if (got.length !== hashLen(suite.hash) || !equalBytes(expected, got)) {
      throw new TlsError('PeerBadBinder', `the PSK binder of identity ${i} does not verify (got ${toHex(got).slice(0, 16)}…)`);
    }
    io.note(`Accepted the ticket (PSK identity ${i}): its binder verifies, so this handshake resumes the earlier session — no Certificate or CertificateVerify.`, 'RFC 8446 §2.2');
    return {
      index: i,
      ks,
      suite: found.suite,
      maxEarlyData: found.maxEarlyData,
      binder: got,
      ...(found.alpn !== undefined ? { alpn: found.alpn } : {}),
      ...(ageSkew !== undefined ? { ageSkew } : {}),
    };
  }
  return undefined;
}
