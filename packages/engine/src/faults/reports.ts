/**
 * What the run reports for a fault that is not an on-path attack (faults/mitm.ts reports
 * those): a fault in the run's setup (certificates, trust, suites), reported once at the start,
 * and a fault a peer commits itself (a faulty peer), reported on the message that carries the
 * wrong value. Each report names the alert the fault should end in and the RFC that says so.
 */
import type { AlertDescription } from '../errors';
import type { Side, TlsEvent } from '../events';
import type { Scenario } from '../scenario';

/** What a fault event says: the alert it leads to, why, and where the RFC says so. */
export type FaultReport = { expectedAlert: AlertDescription; text: string; rfc: string };

/**
 * A fault an endpoint commits (a faulty peer): which side, in which handshake message, and what
 * to say when it is sent. `when` looks at the run so far (e.g. the premaster faults need RSA).
 */
export interface EndpointFaultSpec {
  culprit: Side;
  messages: string[];
  when?: (events: TlsEvent[]) => boolean;
  report: (message: string) => FaultReport;
}

/** The faulty peer of the scenario's fault, if its fault is one a peer commits. */
export function endpointFaultFor(sc: Scenario): EndpointFaultSpec | undefined {
  const tls13 = sc.version === 'TLS 1.3';
  switch (sc.fault) {
    case 'bad-server-finished':
      return {
        culprit: 'server',
        messages: ['Finished'],
        report: () => ({
          expectedAlert: 'decrypt_error',
          text:
            'Faulty server: it computed a wrong Finished (one bit of its verify_data flipped) and encrypted it under its own key, so the record opens fine. ' +
            'No one on the path could have done this without the keys. The client computes the verify_data it expects, finds a different one and sends decrypt_error.',
          rfc: tls13 ? 'RFC 8446 §4.4.4' : 'RFC 5246 §7.4.9',
        }),
      };
    case 'bad-signature':
      return {
        culprit: 'server',
        messages: [tls13 ? 'CertificateVerify' : 'ServerKeyExchange'],
        report: (m) => ({
          expectedAlert: 'decrypt_error',
          text:
            `Faulty server: its ${m} signature is wrong (one bit flipped after signing)` +
            (tls13 ? ', inside its own encrypted record, which opens fine: no one on the path could have done this without the keys.' : '.') +
            ` The client's signature check with the certificate's public key fails, so it sends decrypt_error.`,
          rfc: tls13 ? 'RFC 8446 §4.4.3' : 'RFC 5246 §7.4.3',
        }),
      };
    case 'bad-premaster':
    case 'bad-premaster-padding':
      return tls13 ? undefined : badPremaster(sc.fault);
    default:
      return undefined;
  }
}

/** RFC 5246 §7.4.7.1: the faulty client's RSA premaster, which the server must not reveal it noticed. */
function badPremaster(fault: 'bad-premaster' | 'bad-premaster-padding'): EndpointFaultSpec {
  return {
    culprit: 'client',
    messages: ['ClientKeyExchange'],
    when: (events) => events.some((e) => e.type === 'negotiated' && e.side === 'client' && e.keyExchange === 'RSA'),
    report: () => ({
      expectedAlert: 'bad_record_mac',
      text:
        (fault === 'bad-premaster'
          ? 'Faulty client: the premaster it encrypts has a wrong client_version (2.0, not 3.3).'
          : 'Faulty client: its RSA block has wrong PKCS#1 v1.5 padding (00 01 …, not 00 02 …), the case Bleichenbacher’s attack probes.') +
        ' The server must not say so (that would make it a padding oracle): it goes on with a random premaster of its own. ' +
        'The two sides now derive different master secrets and keys, so the server cannot open the client’s encrypted Finished: its AEAD check fails and it sends bad_record_mac.',
      rfc: 'RFC 5246 §7.4.7.1',
    }),
  };
}

/** A fault that is in the run's setup (certificates, trust, suites), not in any message. */
export function setupFault(sc: Scenario): ({ side: Side; culprit: Side } & FaultReport) | undefined {
  const tls13 = sc.version === 'TLS 1.3';
  switch (sc.fault) {
    case 'wrong-host':
      return {
        side: 'client',
        culprit: 'client',
        expectedAlert: 'bad_certificate',
        text: 'Setup: the client asks for a host name the server’s certificate does not hold; its host-name check fails.',
        rfc: 'RFC 6125 §6',
      };
    case 'expired-certificate':
      return {
        side: 'client',
        culprit: 'server',
        expectedAlert: 'certificate_expired',
        text: 'Setup: the server presents a certificate that has expired at the run’s time; the client’s validity check fails.',
        rfc: 'RFC 5280 §4.1.2.5',
      };
    case 'untrusted-root':
      return {
        side: 'client',
        culprit: 'client',
        expectedAlert: 'unknown_ca',
        text: 'Setup: the client does not trust the root CA the server’s chain leads to; path validation fails.',
        rfc: 'RFC 5280 §6.1',
      };
    case 'no-common-suite':
      return {
        side: 'server',
        culprit: 'client',
        expectedAlert: 'handshake_failure',
        text: 'Setup: the client offers no cipher suite the server accepts.',
        rfc: tls13 ? 'RFC 8446 §4.1.1' : 'RFC 5246 §7.4.1.3',
      };
    case 'no-client-certificate':
      return {
        side: 'server',
        culprit: 'client',
        expectedAlert: tls13 ? 'certificate_required' : 'handshake_failure',
        text: 'Setup: the server requires a client certificate (mutual TLS) and the client has none, so it answers the CertificateRequest with an empty Certificate.',
        rfc: tls13 ? 'RFC 8446 §4.4.2.4' : 'RFC 5246 §7.4.6',
      };
    default:
      return undefined;
  }
}
