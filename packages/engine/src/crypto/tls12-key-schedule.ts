/**
 * The TLS 1.2 key schedule (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4):
 *
 *   pre_master_secret   RSA: client_version ‖ 46 random bytes, encrypted to the server
 *                       ECDHE: the x-coordinate / X25519 output of the key exchange
 *          │
 *          ▼
 *   master_secret = PRF(pre_master_secret, "master secret",
 *                       ClientHello.random + ServerHello.random)[0..47]
 *     or, with extended master secret (RFC 7627 §4):
 *   master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
 *                   session_hash = Hash(ClientHello ... ClientKeyExchange)
 *          │
 *          ▼
 *   key_block = PRF(master_secret, "key expansion",
 *                   server_random + client_random)
 *             = client_write_MAC_key ‖ server_write_MAC_key   (empty for AEAD suites)
 *               ‖ client_write_key ‖ server_write_key
 *               ‖ client_write_IV ‖ server_write_IV           (GCM: 4 bytes, ChaCha20: 12)
 *
 *   verify_data = PRF(master_secret, "client finished" | "server finished",
 *                     Hash(handshake_messages))[0..11]
 *
 * Every value is reported as a `secret` event (stage 'tls12') with its formula and inputs.
 */
import { concatBytes } from '../codec/hex';
import type { DerivationInput, EventSink, SecretPosition, Side } from '../events';
import { prf } from './prf';
import type { PrfHash, Tls12Suite } from './tls12-suites';

/** Reports one derived value; `undefined` means nobody is listening. */
export type SecretReporter = ((name: string, value: Uint8Array, formula: string, inputs: DerivationInput[], rfc: string) => void) | undefined;

/**
 * A reporter that turns derived values into `secret` events of `side`. Every input named
 * after a value reported before (master_secret, key_block) is one of the new value's `parents`.
 */
export function secretReporter(sink: EventSink, side: Side): NonNullable<SecretReporter> {
  return tls12Reporter((s) => sink({ type: 'secret', side, ...s }));
}

/** The chain of RFC 5246 §8.1 and §6.3: pre_master_secret enters it, master_secret → key_block; every other value branches off. */
const TLS12_CHAIN: Readonly<Record<string, SecretPosition>> = { pre_master_secret: 'input', master_secret: 'chain', key_block: 'chain' };

/** Where a TLS 1.2 value sits in its key schedule (see TLS12_CHAIN). */
export function tls12Position(name: string): SecretPosition {
  return TLS12_CHAIN[name] ?? 'branch';
}

/** A reporter over an endpoint's secret sink, with the `parents` of each value (see secretReporter). */
export function tls12Reporter(
  secret: (s: { name: string; value: Uint8Array; formula: string; inputs: DerivationInput[]; rfc: string; stage: 'tls12'; parents: string[]; position: SecretPosition }) => void,
): NonNullable<SecretReporter> {
  const reported = new Set<string>();
  return (name, value, formula, inputs, rfc) => {
    const parents = inputs.map((i) => i.name).filter((n) => reported.has(n));
    reported.add(name);
    secret({ name, value: value.slice(), formula, inputs, rfc, stage: 'tls12', parents, position: tls12Position(name) });
  };
}

/** Reports the premaster secret (made by RSA key transport or ECDHE). */
export function reportPremaster(report: SecretReporter, premaster: Uint8Array, how: 'RSA' | 'ECDHE', inputs: DerivationInput[] = []): void {
  report?.(
    'pre_master_secret',
    premaster,
    how === 'RSA'
      ? 'client_version (3,3) ‖ random[46], sent as RSAES-PKCS1-v1_5(server public key)'
      : 'ECDH(client ephemeral, server ephemeral): X25519 output / P-256 x-coordinate',
    inputs,
    how === 'RSA' ? 'RFC 5246 §7.4.7.1' : 'RFC 8422 §5.10',
  );
}

const MASTER_SECRET_LENGTH = 48;
const VERIFY_DATA_LENGTH = 12;

/**
 * master_secret from the premaster. With `sessionHash` the RFC 7627 extended master secret,
 * otherwise the RFC 5246 §8.1 one over the two randoms.
 */
export function deriveMasterSecret(args: {
  hash: PrfHash;
  premaster: Uint8Array;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** Hash(ClientHello..ClientKeyExchange) when extended master secret was negotiated. */
  sessionHash?: Uint8Array;
  report?: SecretReporter;
}): Uint8Array {
  const { hash, premaster, clientRandom, serverRandom, sessionHash, report } = args;
  if (sessionHash !== undefined) {
    // RFC 7627 §4: the session hash binds the master secret to the whole handshake so far.
    const ms = prf(hash, premaster, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
    report?.(
      'master_secret',
      ms,
      'PRF(pre_master_secret, "extended master secret", session_hash)[0..47]',
      [
        { name: 'pre_master_secret', value: premaster },
        { name: 'label', value: 'extended master secret' },
        { name: 'session_hash', value: sessionHash },
        { name: 'session_hash covers', value: 'ClientHello ... ClientKeyExchange' },
        { name: 'PRF hash', value: hash },
      ],
      'RFC 7627 §4',
    );
    return ms;
  }
  const ms = prf(hash, premaster, 'master secret', concatBytes(clientRandom, serverRandom), MASTER_SECRET_LENGTH);
  report?.(
    'master_secret',
    ms,
    'PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]',
    [
      { name: 'pre_master_secret', value: premaster },
      { name: 'label', value: 'master secret' },
      { name: 'client_random', value: clientRandom },
      { name: 'server_random', value: serverRandom },
      { name: 'PRF hash', value: hash },
    ],
    'RFC 5246 §8.1',
  );
  return ms;
}

/** The traffic keys of one connection, split out of the key block. */
export interface Tls12TrafficKeys {
  keyBlock: Uint8Array;
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  /** GCM: the 4-byte salt; ChaCha20: the 12-byte IV. */
  clientWriteIv: Uint8Array;
  serverWriteIv: Uint8Array;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), split
 * per RFC 5246 §6.3. AEAD suites have mac_key_length 0, so the split starts with the keys.
 */
export function deriveKeyBlock(args: {
  suite: Tls12Suite;
  masterSecret: Uint8Array;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  report?: SecretReporter;
}): Tls12TrafficKeys {
  const { suite, masterSecret, clientRandom, serverRandom, report } = args;
  const k = suite.keyLength;
  const iv = suite.fixedIvLength;
  const length = 2 * k + 2 * iv;
  // Note the order: server_random first here, unlike the master secret (RFC 5246 §6.3).
  const keyBlock = prf(suite.hash, masterSecret, 'key expansion', concatBytes(serverRandom, clientRandom), length);
  const keys: Tls12TrafficKeys = {
    keyBlock,
    clientWriteKey: keyBlock.slice(0, k),
    serverWriteKey: keyBlock.slice(k, 2 * k),
    clientWriteIv: keyBlock.slice(2 * k, 2 * k + iv),
    serverWriteIv: keyBlock.slice(2 * k + iv, 2 * k + 2 * iv),
  };
  if (report) {
    report(
      'key_block',
      keyBlock,
      `PRF(master_secret, "key expansion", server_random + client_random)[0..${length - 1}]`,
      [
        { name: 'master_secret', value: masterSecret },
        { name: 'label', value: 'key expansion' },
        { name: 'server_random', value: serverRandom },
        { name: 'client_random', value: clientRandom },
        { name: 'PRF hash', value: suite.hash },
        { name: 'split', value: `MAC keys 0+0 (AEAD), write keys ${k}+${k}, write IVs ${iv}+${iv} bytes` },
      ],
      'RFC 5246 §6.3',
    );
    const part = (name: string, value: Uint8Array, from: number, what: string): void =>
      report(
        name,
        value,
        `key_block[${from}..${from + value.length - 1}]`,
        [
          { name: 'key_block', value: keyBlock },
          { name: 'role', value: what },
        ],
        iv === 12 ? 'RFC 5246 §6.3, RFC 7905 §2' : 'RFC 5246 §6.3, RFC 5288 §3',
      );
    part('client_write_key', keys.clientWriteKey, 0, `${suite.aead} key for records the client sends`);
    part('server_write_key', keys.serverWriteKey, k, `${suite.aead} key for records the server sends`);
    const ivRole = iv === 12 ? 'ChaCha20-Poly1305 IV, XORed with the sequence number' : 'GCM salt: the implicit first 4 bytes of the nonce';
    part('client_write_IV', keys.clientWriteIv, 2 * k, ivRole);
    part('server_write_IV', keys.serverWriteIv, 2 * k + iv, ivRole);
  }
  return keys;
}

/**
 * Finished.verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]
 * (RFC 5246 §7.4.9). `handshakeHash` covers every handshake message before this Finished.
 */
export function finishedVerifyData(args: { hash: PrfHash; masterSecret: Uint8Array; side: Side; handshakeHash: Uint8Array; report?: SecretReporter }): Uint8Array {
  const { hash, masterSecret, side, handshakeHash, report } = args;
  const label = side === 'client' ? 'client finished' : 'server finished';
  const vd = prf(hash, masterSecret, label, handshakeHash, VERIFY_DATA_LENGTH);
  report?.(
    `${side}_verify_data`,
    vd,
    `PRF(master_secret, "${label}", Hash(handshake_messages))[0..11]`,
    [
      { name: 'master_secret', value: masterSecret },
      { name: 'label', value: label },
      { name: 'Hash(handshake_messages)', value: handshakeHash },
      { name: 'handshake_messages', value: side === 'client' ? 'ClientHello ... ClientKeyExchange / CertificateVerify' : 'ClientHello ... client Finished' },
      { name: 'PRF hash', value: hash },
    ],
    'RFC 5246 §7.4.9',
  );
  return vd;
}
