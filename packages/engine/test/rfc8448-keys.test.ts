/**
 * RFC 8448 §3 (simple 1-RTT): key schedule, traffic keys, record protection and message
 * codecs against the RFC's bytes — no endpoints involved yet.
 */
import { describe, expect, it } from 'vitest';
import vectors from './vectors/rfc8448.json';
import { fromHex, toHex } from '../src/codec/hex';
import { KeySchedule, type SecretReport } from '../src/crypto/tls13-key-schedule';
import { Transcript } from '../src/crypto/transcript';
import { computeSharedSecret, generateKeyShare } from '../src/crypto/ecdhe';
import { suite13ByName } from '../src/crypto/tls13-suites';
import { Protection13 } from '../src/record/tls13';
import { decodeHandshake, encodeHandshake } from '../src/msgs/handshake';
import { ContentType } from '../src/msgs/enums';

// RFC 8448 §3, simple 1-RTT
const S3 = vectors.section3;
const msg = (label: string, sender?: string) => fromHex(S3.handshake_messages.find((m) => m.label === label && (!sender || m.sender === sender))!.hex);

describe('RFC 8448 §3 key schedule', () => {
  const reports: SecretReport[] = [];
  const ks = new KeySchedule('SHA-256', (s) => reports.push(s));
  const clientKey = S3.ephemeral_keys.find((k) => k.party === 'client')!;
  const serverKey = S3.ephemeral_keys.find((k) => k.party === 'server')!;

  it('x25519 key shares and shared secret', () => {
    const c = generateKeyShare('x25519', () => new Uint8Array(32), fromHex(clientKey.private_key));
    expect(toHex(c.publicKey)).toBe(clientKey.public_key);
    const shared = computeSharedSecret('x25519', fromHex(serverKey.private_key), c.publicKey);
    expect(toHex(shared)).toBe(S3.secrets.ecdhe_shared_secret);
  });

  it('every secret, traffic key and IV', () => {
    const t = new Transcript();
    t.add(msg('ClientHello'));
    t.add(msg('ServerHello'));
    ks.deriveEarlySecret();
    const hs = ks.deriveHandshakeSecrets(fromHex(S3.secrets.ecdhe_shared_secret), t.hash('SHA-256'));
    expect(toHex(hs.client)).toBe(S3.secrets.client_handshake_traffic_secret);
    expect(toHex(hs.server)).toBe(S3.secrets.server_handshake_traffic_secret);
    const shk = ks.trafficKeys(hs.server, 'server_handshake_traffic_secret', 'server_handshake', 16, 12);
    expect(toHex(shk.key)).toBe(S3.traffic_keys.server_handshake.key);
    expect(toHex(shk.iv)).toBe(S3.traffic_keys.server_handshake.iv);
    const chk = ks.trafficKeys(hs.client, 'client_handshake_traffic_secret', 'client_handshake', 16, 12);
    expect(toHex(chk.key)).toBe(S3.traffic_keys.client_handshake.key);
    expect(toHex(chk.iv)).toBe(S3.traffic_keys.client_handshake.iv);
    for (const l of ['EncryptedExtensions', 'Certificate', 'CertificateVerify']) t.add(msg(l));
    const sf = ks.finished(hs.server, 'server_handshake_traffic_secret', 'server', t.hash('SHA-256'), 'x');
    expect(toHex(sf)).toBe(S3.finished.server.verify_data);
    t.add(msg('Finished', 'server'));
    const ap = ks.deriveMasterSecrets(t.hash('SHA-256'));
    expect(toHex(ap.client)).toBe(S3.secrets.client_application_traffic_secret_0);
    expect(toHex(ap.server)).toBe(S3.secrets.server_application_traffic_secret_0);
    expect(toHex(ap.exporter)).toBe(S3.secrets.exporter_master_secret);
    const cf = ks.finished(hs.client, 'client_handshake_traffic_secret', 'client', t.hash('SHA-256'), 'x');
    expect(toHex(cf)).toBe(S3.finished.client.verify_data);
    t.add(msg('Finished', 'client'));
    expect(toHex(ks.deriveResumptionMasterSecret(t.hash('SHA-256')))).toBe(S3.secrets.resumption_master_secret);
    const byName = Object.fromEntries(reports.map((r) => [r.name, toHex(r.value)]));
    expect(byName.early_secret).toBe(S3.secrets.early_secret);
    expect(byName.derived_for_handshake).toBe(S3.secrets.derived_for_handshake);
    expect(byName.handshake_secret).toBe(S3.secrets.handshake_secret);
    expect(byName.derived_for_master).toBe(S3.secrets.derived_for_master);
    expect(byName.master_secret).toBe(S3.secrets.master_secret);
    expect(byName.server_finished_key).toBe(S3.finished.server.finished_key);
    expect(byName.client_finished_key).toBe(S3.finished.client.finished_key);
    for (const r of reports) {
      expect(r.formula.length).toBeGreaterThan(0);
      expect(r.rfc).toMatch(/^RFC 8446/);
    }
  });
});

describe('RFC 8448 §3 record protection', () => {
  const suite = suite13ByName('TLS_AES_128_GCM_SHA256')!;
  const keys = S3.traffic_keys as Record<string, { key: string; iv: string }>;
  for (const rec of S3.records.filter((r) => r.protected)) {
    it(`${rec.sender} ${rec.content_type} seq ${rec.seq} under ${rec.key_name}`, () => {
      const k = keys[rec.key_name!]!;
      const sealer = new Protection13(suite, fromHex(k.key), fromHex(k.iv), rec.key_name!);
      for (let i = 0; i < rec.seq!; i++) sealer.seal(ContentType.application_data, new Uint8Array(1));
      const type = ContentType[rec.content_type as keyof typeof ContentType];
      const sealed = sealer.seal(type, fromHex(rec.payload), rec.padding_length ?? 0);
      expect(toHex(sealed.bytes)).toBe(rec.complete_record);
      expect(toHex(sealed.info.nonce)).toBe(rec.nonce);
      const opener = new Protection13(suite, fromHex(k.key), fromHex(k.iv), rec.key_name!);
      for (let i = 0; i < rec.seq!; i++) (opener as unknown as { seq: number }).seq++;
      const opened = opener.open(fromHex(rec.complete_record));
      expect(opened.contentType).toBe(type);
      expect(toHex(opened.content)).toBe(rec.payload);
    });
  }
});

describe('RFC 8448 §3 message codecs', () => {
  for (const m of S3.handshake_messages) {
    it(`${m.sender} ${m.label} decodes and re-encodes byte for byte`, () => {
      const bytes = fromHex(m.hex);
      const dec = decodeHandshake({ msgType: bytes[0]!, bytes, body: bytes.subarray(4) });
      expect(dec.name).toBe(m.type);
      const enc = encodeHandshake(dec.msg);
      expect(toHex(enc.bytes)).toBe(m.hex);
      expect(dec.spans.map((s) => [s.label, s.start, s.end])).toEqual(enc.spans.map((s) => [s.label, s.start, s.end]));
    });
  }
});
