/**
 * @tlslab/engine — the public API: sans-IO TLS endpoints, the in-process Session, events,
 * configuration types and the wire-enum name tables.
 */
export { createClient, TlsClient, type ClientState } from './client/client';
export { createServer, TlsServer, type ServerState } from './server/server';
export { MemoryAntiReplay, ZERO_RTT_WINDOW_MS, ZERO_RTT_RECORD_MS, type AntiReplay } from './server/antireplay';
export { createKeyLog, keyLogText, keyLogLabel, type KeyLogBuilder } from './keylog';
export { runScenario, type RunSummary, type RunOptions } from './session';
export { createEventLog, type EventLog } from './io/stamp';
export { inDeliveryOrder, observedSteps } from './steps';
export { SECRET_STAGES } from './events';
export { mergeNegotiated, type Negotiated } from './negotiated';
export { DEFAULT_SCENARIO, type Scenario, type FaultName } from './scenario';
export { runLive, type LiveRequest, type LiveOptions } from './live';
export { driveTransport, type Transport, type TransportHandlers, type Driver, type Outcome } from './io/driver';
export { relayTransport, type RelaySocket } from './io/websocket';
export type * from './events';
export type { ClientConfig, ServerConfig, CertifiedKey, Endpoint, CipherSuiteName, GroupName, FixedValues, ResumptionTicket } from './config';
export type { PublicKey, PrivateKey, ServerKeyType, SignatureSchemeName, KeyType } from './crypto/keys';
export { seededRng, systemRng, newSeed, type Rng } from './crypto/rng';
export { cryptoProvider, installCryptoProvider, withCryptoProvider, type CryptoProvider } from './crypto/provider';
export { nobleCryptoProvider } from './crypto/provider-noble';
export { TlsError, alertFor, alertName, ALERT_CODES, type AlertDescription, type TlsErrorKind } from './errors';
export {
  CIPHER_SUITES,
  CONTENT_TYPES,
  EXTENSION_TYPES,
  GROUPS,
  HANDSHAKE_TYPES,
  SIGNATURE_SCHEMES,
  VERSIONS,
  describe as describeCode,
  nameOf,
  codeOf,
  type NameTable,
} from './msgs/enums';
export type { ByteSpan } from './codec/bytespan';
export {
  openCapture,
  KEY_LOG_HINT,
  sizeProblem,
  looksLikeCapture,
  formatSize,
  MAX_CAPTURE_BYTES,
  type ObservedConnection,
  type OpenedCapture,
  type OpenCaptureOptions,
} from './observe/index';
export { toHex, fromHex, utf8 } from './codec/hex';
export { createTrustStore, verifyChain, DEFAULT_MAX_DEPTH, type TrustStore, type VerifyChainOptions, type KeyExchange } from './pki/verify';
export { CHECK_IDS, POLICIES, type CheckId, type Policy, type Purpose } from './pki/checks';
