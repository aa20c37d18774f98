/** Mutual TLS in TLS 1.2 (RFC 5246 §7.4.4, §7.4.6, §7.4.8): optional and required, good and bad client certificates. */
import { describe, expect, it } from 'vitest';
import { createClient, type TlsClient } from '../src/client/client';
import { toHex } from '../src/codec/hex';
import type { ClientConfig, ServerConfig } from '../src/config';
import type { ServerKeyType } from '../src/crypto/keys';
import { seededRng } from '../src/crypto/rng';
import type { TlsEventBody } from '../src/events';
import { generateDemoPki } from '../src/pki/demo';
import { createServer, type TlsServer } from '../src/server/server';
import { subjectNameDer } from '../src/pki/x509-name';

const AT = new Date('2026-11-25T12:00:00Z');
const HOST = 'server.tlslab.test';

interface Run {
  client: TlsClient;
  server: TlsServer;
  ce: TlsEventBody[];
  se: TlsEventBody[];
}

function run(opts: {
  serverKey?: ServerKeyType;
  clientKey?: ServerKeyType;
  withCert?: boolean;
  client?: Partial<ClientConfig>;
  server?: Partial<ServerConfig>;
  mitm?: (from: string, rec: Uint8Array) => Uint8Array;
}): Run & ReturnType<typeof generateDemoPki> {
  const p = generateDemoPki({ seed: 'mtls', serverKeyType: opts.serverKey ?? 'ecdsa-p256', serverName: HOST, now: AT, clientKeyType: opts.clientKey ?? 'ecdsa-p256' });
  const ce: TlsEventBody[] = [];
  const se: TlsEventBody[] = [];
  const client = createClient({
    rng: seededRng('m', 'c'),
    sink: (e) => ce.push(e),
    trustAnchors: [p.rootDer],
    serverName: HOST,
    now: AT,
    versions: ['TLS 1.2'],
    ...((opts.withCert ?? true) ? { clientCert: { chain: p.clientChain, key: p.clientKey } } : {}),
    ...opts.client,
  });
  const server = createServer({
    rng: seededRng('m', 's'),
    sink: (e) => se.push(e),
    cert: { chain: p.serverChain, key: p.serverKey },
    now: AT,
    versions: ['TLS 1.2'],
    clientAuth: 'require',
    clientTrustAnchors: [p.clientRootDer],
    ...opts.server,
  });
  const q = client.start().map((bytes) => ({ from: 'client', bytes }));
  for (let n = 0; q.length > 0 && n < 200; n++) {
    const it = q.shift()!;
    const bytes = opts.mitm ? opts.mitm(it.from, it.bytes) : it.bytes;
    for (const b of (it.from === 'client' ? server : client).receive(bytes)) q.push({ from: it.from === 'client' ? 'server' : 'client', bytes: b });
  }
  return { ...p, client, server, ce, se };
}

const sentAlerts = (ev: TlsEventBody[]) => ev.filter((e) => e.type === 'alert' && e.direction === 'sent').map((e) => (e as { description: string }).description);
const received = (ev: TlsEventBody[]) => ev.filter((e) => e.type === 'handshake' && e.direction === 'received').map((e) => (e as { name: string }).name);

describe('mutual TLS 1.2', () => {
  for (const [serverKey, clientKey] of [
    ['ecdsa-p256', 'ecdsa-p256'],
    ['rsa-2048', 'rsa-2048'],
    ['rsa-2048', 'ecdsa-p256'],
    ['ecdsa-p256', 'rsa-2048'],
  ] as const) {
    it(`required, ${clientKey} client certificate to a ${serverKey} server: verified and connected`, () => {
      const r = run({ serverKey, clientKey });
      expect(sentAlerts(r.ce)).toEqual([]);
      expect(sentAlerts(r.se)).toEqual([]);
      expect(r.client.state).toBe('Connected');
      expect(r.server.state).toBe('Connected');
      expect(received(r.se)).toEqual(['ClientHello', 'Certificate', 'ClientKeyExchange', 'CertificateVerify', 'Finished']);
      expect(received(r.ce)).toContain('CertificateRequest');
      const report = r.se.find((e) => e.type === 'cert-report');
      expect(report && report.type === 'cert-report' && report.report).toMatchObject({ ok: true, purpose: 'client' });
    });
  }

  it('CertificateRequest lists certificate types, signature algorithms and the client CA name', () => {
    const r = run({});
    const cr = r.ce.find((e) => e.type === 'handshake' && e.name === 'CertificateRequest');
    expect(cr && cr.type === 'handshake' && cr.summary).toMatchObject({ certificate_types: 'rsa_sign, ecdsa_sign', certificate_authorities: '1' });
    const dn = cr && cr.type === 'handshake' ? cr.spans.find((s) => s.label === 'DistinguishedName') : undefined;
    expect(dn).toBeDefined();
    const bytes = (cr as { bytes: Uint8Array }).bytes;
    expect(toHex(bytes.subarray(dn!.start + 2, dn!.end))).toBe(toHex(subjectNameDer(r.clientRootDer)!));
  });

  it('optional, client without a certificate: empty Certificate, connected', () => {
    const r = run({ withCert: false, server: { clientAuth: 'request' } });
    expect(r.server.state).toBe('Connected');
    expect(received(r.se)).toEqual(['ClientHello', 'Certificate', 'ClientKeyExchange', 'Finished']);
  });

  it('optional, client with a certificate: verified', () => {
    const r = run({ server: { clientAuth: 'request' } });
    expect(r.server.state).toBe('Connected');
    expect(received(r.se)).toContain('CertificateVerify');
  });

  it('required, client without a certificate: handshake_failure', () => {
    const r = run({ withCert: false });
    expect(sentAlerts(r.se)).toEqual(['handshake_failure']);
    expect(r.client.closed).toBe(true);
  });

  it('untrusted client certificate: unknown_ca', () => {
    const r = run({ server: { clientTrustAnchors: [generateDemoPki({ seed: 'other', serverKeyType: 'ecdsa-p256', serverName: HOST, now: AT }).clientRootDer] } });
    expect(sentAlerts(r.se)).toEqual(['unknown_ca']);
  });

  it('expired client certificate: certificate_expired', () => {
    // The server's clock is two years ahead: the client leaf (one year) has expired, the CA (ten years) has not.
    const r = run({ server: { now: new Date(AT.getTime() + 2 * 365 * 24 * 3600 * 1000) } });
    expect(sentAlerts(r.se)).toEqual(['certificate_expired']);
  });

  it('a CertificateVerify altered on the wire: decrypt_error', () => {
    const r = run({
      mitm: (from, rec) => {
        // CertificateVerify travels in the clear in TLS 1.2; flip the last signature byte.
        if (from !== 'client' || rec[0] !== 22) return rec;
        const out = rec.slice();
        for (let o = 5; o + 4 <= out.length;) {
          const len = (out[o + 1]! << 16) | (out[o + 2]! << 8) | out[o + 3]!;
          if (out[o] === 15) out[o + 4 + len - 1]! ^= 1;
          o += 4 + len;
        }
        return out;
      },
    });
    expect(sentAlerts(r.se)).toEqual(['decrypt_error']);
  });
});
