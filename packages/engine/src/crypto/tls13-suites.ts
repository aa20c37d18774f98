/**
 * The TLS 1.3 cipher suites we implement (RFC 8446 §B.4): each fixes an AEAD and a hash.
 */
import type { CipherSuiteName } from '../config';
import type { HashName } from './hash';
import { namesOf, TLS13_SUITE_CODES, type Tls13SuiteName } from '../msgs/registry';

export type AeadName = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

export interface Suite13 {
  name: CipherSuiteName;
  code: number;
  aead: AeadName;
  hash: HashName;
  keyLen: number;
  /** Every TLS 1.3 AEAD here uses a 12-byte nonce (RFC 8446 §5.3: iv_length = max(8, N_MIN) = 12). */
  ivLen: number;
}

/** What each suite of the registry (msgs/registry.ts) fixes. */
const PARAMS: Record<Tls13SuiteName, Omit<Suite13, 'name' | 'code'>> = {
  TLS_AES_128_GCM_SHA256: { aead: 'AES-128-GCM', hash: 'SHA-256', keyLen: 16, ivLen: 12 },
  TLS_AES_256_GCM_SHA384: { aead: 'AES-256-GCM', hash: 'SHA-384', keyLen: 32, ivLen: 12 },
  TLS_CHACHA20_POLY1305_SHA256: { aead: 'CHACHA20-POLY1305', hash: 'SHA-256', keyLen: 32, ivLen: 12 },
};

/** Every TLS 1.3 suite, in the registry's (our preference) order. */
export const TLS13_SUITES: readonly Suite13[] = namesOf(TLS13_SUITE_CODES).map((name) => ({ name, code: TLS13_SUITE_CODES[name], ...PARAMS[name] }));

export function suite13ByCode(code: number): Suite13 | undefined {
  return TLS13_SUITES.find((s) => s.code === code);
}

export function suite13ByName(name: string): Suite13 | undefined {
  return TLS13_SUITES.find((s) => s.name === name);
}
