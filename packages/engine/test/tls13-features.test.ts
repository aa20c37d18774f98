/** TLS 1.3 features between our own endpoints: HRR (with and without cookie), ALPN, SNI, mutual TLS, KeyUpdate, CCS. */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../src/codec/hex';
import type { TlsEventBody } from '../src/events';
import { generateDemoPki } from '../src/pki/demo';
import { alertsSent, AT, handshake, makePair, pki } from './tls13-helpers';

const names = (events: TlsEventBody[], dir: 'sent' | 'received') => events.filter((e) => e.type === 'handshake' && e.direction === dir).map((e) => (e as { name: string }).name);

function negotiated(events: TlsEventBody[]): Record<string, unknown> {
  const n: Record<string, unknown> = {};
  for (const e of events) if (e.type === 'negotiated') Object.assign(n, e);
  return n;
}

describe('HelloRetryRequest', () => {
  for (const cookie of [false, true])
    it(`client retries with the group the server asks for${cookie ? ' and echoes the cookie' : ''}`, () => {
      const p = makePair({
        client: { groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519'] },
        server: { groups: ['secp256r1'], helloRetryCookie: cookie },
      });
      handshake(p);
      expect(p.client.state).toBe('Connected');
      expect(p.server.state).toBe('Connected');
      expect(names(p.clientEvents, 'sent').slice(0, 2)).toEqual(['ClientHello', 'ClientHello']);
      expect(names(p.clientEvents, 'received')[0]).toBe('HelloRetryRequest');
      expect(negotiated(p.clientEvents)).toMatchObject({ group: 'secp256r1', helloRetry: true });
      const hrr = p.serverEvents.find((e) => e.type === 'handshake' && e.name === 'HelloRetryRequest') as Extract<TlsEventBody, { type: 'handshake' }>;
      expect(hrr.spans.some((s) => s.label === 'cookie')).toBe(cookie);
      const ch2 = p.clientEvents.filter((e) => e.type === 'handshake' && e.name === 'ClientHello')[1] as Extract<TlsEventBody, { type: 'handshake' }>;
      expect(ch2.spans.some((s) => s.label === 'cookie')).toBe(cookie);
      // middlebox compatibility: one CCS each way
      const ccs = (ev: TlsEventBody[]) => ev.filter((e) => e.type === 'record' && e.direction === 'sent' && e.contentType === 'change_cipher_spec').length;
      expect(ccs(p.clientEvents)).toBe(1);
      expect(ccs(p.serverEvents)).toBe(1);
    });

  it('no group in common → handshake_failure', () => {
    const p = makePair({ client: { groups: ['x25519'] }, server: { groups: ['secp256r1'] } });
    handshake(p);
    expect(alertsSent(p.serverEvents)).toEqual(['handshake_failure']);
  });
});

describe('ALPN and SNI', () => {
  it('negotiates http/1.1 and acknowledges the server name', () => {
    const p = makePair({ client: { alpn: ['h2', 'http/1.1'] }, server: { alpn: ['http/1.1'] } });
    handshake(p);
    expect(negotiated(p.clientEvents)).toMatchObject({ alpn: 'http/1.1', serverName: 'server.tlslab.test' });
    expect(negotiated(p.serverEvents)).toMatchObject({ alpn: 'http/1.1', serverName: 'server.tlslab.test' });
  });
  it('without middlebox compatibility: empty session id, no CCS', () => {
    const p = makePair({ client: { middleboxCompat: false } });
    handshake(p);
    expect(p.client.state).toBe('Connected');
    expect([...p.clientEvents, ...p.serverEvents].some((e) => e.type === 'record' && e.contentType === 'change_cipher_spec')).toBe(false);
  });
});

describe('mutual TLS', () => {
  const ca = pki();
  const clientCert = { chain: ca.clientChain, key: ca.clientKey };
  it('required and presented: both sides verify, connected', () => {
    const p = makePair({ client: { clientCert }, server: { clientAuth: 'require', clientTrustAnchors: [ca.clientRootDer] } });
    handshake(p);
    expect(p.server.state).toBe('Connected');
    expect(names(p.clientEvents, 'sent')).toEqual(['ClientHello', 'Certificate', 'CertificateVerify', 'Finished']);
    const cr = p.clientEvents.find((e) => e.type === 'handshake' && e.name === 'CertificateRequest') as Extract<TlsEventBody, { type: 'handshake' }>;
    expect(cr.spans.some((s) => s.label === 'DistinguishedName')).toBe(true);
    expect(p.serverEvents.some((e) => e.type === 'cert-report' && e.report.purpose === 'client' && e.report.ok)).toBe(true);
  });
  it('requested (optional) and absent: empty Certificate, connected', () => {
    const p = makePair({ server: { clientAuth: 'request', clientTrustAnchors: [ca.clientRootDer] } });
    handshake(p);
    expect(p.server.state).toBe('Connected');
    expect(names(p.clientEvents, 'sent')).toEqual(['ClientHello', 'Certificate', 'Finished']);
  });
  it('required and absent → certificate_required', () => {
    const p = makePair({ server: { clientAuth: 'require', clientTrustAnchors: [ca.clientRootDer] } });
    handshake(p);
    expect(alertsSent(p.serverEvents)).toEqual(['certificate_required']);
    expect(p.client.state).toBe('Closed');
  });
  it('a client certificate from an untrusted CA → unknown_ca', () => {
    const p = makePair({ client: { clientCert }, server: { clientAuth: 'require', clientTrustAnchors: [ca.rootDer] } });
    handshake(p);
    expect(alertsSent(p.serverEvents)).toEqual(['unknown_ca']);
  });
  it('an expired client certificate → certificate_expired', () => {
    const p = makePair({ client: { clientCert }, server: { clientAuth: 'require', clientTrustAnchors: [ca.clientRootDer], now: new Date(AT.getTime() + 3 * 365 * 86400e3) } });
    handshake(p);
    expect(alertsSent(p.serverEvents)).toEqual(['certificate_expired']);
  });
  it('a client CertificateVerify by the wrong key → decrypt_error', () => {
    const other = generateDemoPki({ seed: 'other', serverKeyType: 'ecdsa-p256', serverName: 'x', now: AT });
    const p = makePair({ client: { clientCert: { chain: ca.clientChain, key: other.clientKey } }, server: { clientAuth: 'require', clientTrustAnchors: [ca.clientRootDer] } });
    handshake(p);
    expect(alertsSent(p.serverEvents)).toEqual(['decrypt_error']);
  });
});

describe('after the handshake', () => {
  it('KeyUpdate: both directions move to generation 1 and data still flows', () => {
    const p = makePair();
    handshake(p);
    for (const r of p.client.keyUpdate(true)) for (const back of p.server.receive(r)) p.client.receive(back);
    const secrets = (ev: TlsEventBody[]) => ev.filter((e) => e.type === 'secret').map((e) => (e as { name: string }).name);
    expect(secrets(p.clientEvents)).toContain('client_application_traffic_secret_1');
    expect(secrets(p.clientEvents)).toContain('server_application_traffic_secret_1');
    expect(secrets(p.serverEvents)).toContain('server_application_traffic_secret_1');
    for (const r of p.client.send(utf8.encode('after update'))) p.server.receive(r);
    expect(utf8.decode(p.server.readAppData())).toBe('after update');
    for (const r of p.server.send(utf8.encode('pong'))) p.client.receive(r);
    expect(utf8.decode(p.client.readAppData())).toBe('pong');
  });
  it('a record bigger than 2^14 is sent as two records', () => {
    const p = makePair();
    handshake(p);
    const data = new Uint8Array(20000).fill(7);
    const recs = p.client.send(data);
    expect(recs.length).toBe(2);
    for (const r of recs) p.server.receive(r);
    expect(p.server.readAppData().length).toBe(20000);
  });
  it('a second change_cipher_spec after the handshake → unexpected_message', () => {
    const p = makePair();
    handshake(p);
    p.server.receive(new Uint8Array([20, 3, 3, 0, 1, 1]));
    expect(alertsSent(p.serverEvents)).toEqual(['unexpected_message']);
  });
  it('a Certificate message larger than 2^14 is split across records and the spans follow it', () => {
    const ca = pki();
    const big = new Uint8Array(20000).fill(0x30);
    const p = makePair({ server: { cert: { chain: [...ca.serverChain, big], key: ca.serverKey } }, client: { insecureSkipVerify: true } });
    handshake(p);
    const sent = p.serverEvents.filter((e) => e.type === 'record' && e.direction === 'sent' && e.protected) as Extract<TlsEventBody, { type: 'record' }>[];
    const withCert = sent.filter((r) => r.messages.some((m) => m.startsWith('Certificate')));
    expect(withCert.length).toBe(2);
    expect(withCert[0]!.messages).toContain('Certificate (fragment)');
    expect(withCert[1]!.messages[0]).toBe('Certificate (fragment)');
    const cont = withCert[1]!.protected!.plaintextSpans.find((s) => s.label === 'Handshake')!;
    expect(cont.start).toBe(0);
    expect(cont.value).toMatch(/Certificate.*\(part\)/);
    // the receiver sees the same framing
    const recv = p.clientEvents.find((e) => e.type === 'record' && e.direction === 'received' && e.recordId === withCert[1]!.recordId) as Extract<TlsEventBody, { type: 'record' }>;
    expect(recv.messages[0]).toMatch(/^Certificate/);
    expect(recv.protected!.plaintextSpans.find((s) => s.label === 'Handshake')!.start).toBe(0);
  });
  it('record padding: the receiver strips the zeros and reports them', () => {
    const p = makePair({ server: { recordPadding: 100 } });
    handshake(p);
    expect(p.client.state).toBe('Connected');
    const recv = p.clientEvents.filter((e) => e.type === 'record' && e.direction === 'received' && e.protected) as Extract<TlsEventBody, { type: 'record' }>[];
    expect(recv.length).toBeGreaterThan(0);
    for (const r of recv) expect(r.protected!.padding).toBe(100);
    expect(recv[0]!.protected!.plaintextSpans.some((s) => s.label === 'zeros' && s.end - s.start === 100)).toBe(true);
  });
});
