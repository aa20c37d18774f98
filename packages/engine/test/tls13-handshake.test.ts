/** In-process TLS 1.3 handshakes: every suite × group × server key type, HRR, ALPN, data, close. */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../src/codec/hex';
import type { CipherSuiteName, GroupName } from '../src/config';
import type { ServerKeyType } from '../src/crypto/keys';
import { alertsSent, handshake, makePair, pump } from './tls13-helpers';

const SUITES: CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS: GroupName[] = ['x25519', 'secp256r1'];
const KEYS: ServerKeyType[] = ['ecdsa-p256', 'rsa-2048', 'ed25519'];

describe('TLS 1.3 in-process handshakes', () => {
  for (const suite of SUITES)
    for (const group of GROUPS)
      for (const keyType of KEYS)
        it(`${suite} ${group} ${keyType}`, () => {
          const p = makePair({ keyType, client: { cipherSuites: [suite], groups: [group] }, server: { groups: [group] } });
          handshake(p);
          expect(alertsSent(p.clientEvents)).toEqual([]);
          expect(alertsSent(p.serverEvents)).toEqual([]);
          expect(p.client.state).toBe('Connected');
          expect(p.server.state).toBe('Connected');
          const neg = p.clientEvents.filter((e) => e.type === 'negotiated');
          expect(neg.some((e) => e.type === 'negotiated' && e.cipherSuite === suite && e.group === group)).toBe(true);
          // application data both ways, then close_notify both ways
          pump(p, []);
          const toServer = p.client.send(utf8.encode('GET / HTTP/1.1\r\n\r\n'));
          for (const r of toServer) p.server.receive(r);
          expect(utf8.decode(p.server.readAppData())).toBe('GET / HTTP/1.1\r\n\r\n');
          for (const r of p.server.send(utf8.encode('HTTP/1.1 200 OK\r\n\r\n'))) p.client.receive(r);
          expect(utf8.decode(p.client.readAppData())).toBe('HTTP/1.1 200 OK\r\n\r\n');
          const bye = p.client.close();
          const back = bye.flatMap((r) => p.server.receive(r));
          for (const r of back) p.client.receive(r);
          expect(p.client.closed).toBe(true);
          expect(p.server.closed).toBe(true);
        });
});
