/**
 * A run as a pcapng capture: the blocks are well-formed, the TCP payloads are exactly the
 * records each side sent, and the key log rides along in a Decryption Secrets Block. The
 * independent check is Wireshark's own dissector: `tshark` reads the file, finds the TLS
 * handshake messages and — with the embedded key log only — decrypts the HTTP exchange.
 *
 * tshark comes from Debian's `tshark` package (.ci/run installs it). Without it the tshark tests
 * are skipped, unless TLSLAB_REQUIRE_TSHARK=1 (set by .ci/run), when they fail instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, runScenario, type Scenario, type TlsEvent } from '../src/index';
import { keyLogText } from '../src/keylog';
import { runToPcapng } from '../src/pcap';
import { main } from '../src/cli/main';

function run(s: Partial<Scenario>): TlsEvent[] {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, at: '2026-11-25T12:00:00Z', seed: 'pcap', ...s }, (e) => events.push(e));
  return events;
}

interface Block {
  type: number;
  body: DataView;
}
function blocks(file: Uint8Array): Block[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Block[] = [];
  for (let o = 0; o < file.length;) {
    const type = v.getUint32(o, true);
    const len = v.getUint32(o + 4, true);
    expect(len % 4).toBe(0);
    expect(v.getUint32(o + len - 4, true)).toBe(len);
    out.push({ type, body: new DataView(file.buffer, file.byteOffset + o + 8, len - 12) });
    o += len;
  }
  return out;
}

/** TCP payloads per direction, from the Enhanced Packet Blocks (raw IPv4). */
function payloads(file: Uint8Array): Record<'client' | 'server', Uint8Array[]> {
  const out = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  for (const b of blocks(file).filter((x) => x.type === 6)) {
    const len = b.body.getUint32(12, true);
    const ip = new Uint8Array(b.body.buffer, b.body.byteOffset + 20, len);
    const data = ip.subarray(40);
    if (data.length > 0) out[ip[15] === 1 ? 'client' : 'server'].push(data);
  }
  return out;
}

describe('pcapng structure', () => {
  it('section, interface, secrets, then packets whose TCP payloads are the sent records', () => {
    const events = run({});
    const file = runToPcapng(events, { startMs: 0 });
    const bs = blocks(file);
    expect(bs.map((b) => b.type).slice(0, 3)).toEqual([0x0a0d0d0a, 1, 0x0a]);
    expect(bs[0]!.body.getUint32(0, true)).toBe(0x1a2b3c4d);
    expect(bs[1]!.body.getUint16(0, true)).toBe(101); // LINKTYPE_RAW
    const dsb = bs[2]!.body;
    expect(dsb.getUint32(0, true)).toBe(0x544c534b);
    const secrets = new TextDecoder().decode(new Uint8Array(dsb.buffer, dsb.byteOffset + 8, dsb.getUint32(4, true)));
    expect(secrets).toBe(keyLogText(events));
    const p = payloads(file);
    for (const side of ['client', 'server'] as const) {
      const sent = events.filter((e) => e.type === 'record' && e.direction === 'sent' && e.side === side).map((e) => (e.type === 'record' ? e.bytes : null));
      expect(sent.length).toBeGreaterThan(2);
      expect(p[side]).toEqual(sent);
    }
  });

  it('a record a man in the middle changed is captured as the receiver got it', () => {
    const events = run({ fault: 'tamper-ciphertext' });
    const got = events.filter((e) => e.type === 'record' && e.direction === 'received' && e.side === 'client').map((e) => (e.type === 'record' ? e.bytes : null));
    const sent = events.filter((e) => e.type === 'record' && e.direction === 'sent' && e.side === 'server').map((e) => (e.type === 'record' ? e.bytes : null));
    expect(got).not.toEqual(sent);
    expect(payloads(runToPcapng(events, { startMs: 0 })).server).toEqual(got);
  });

  it('without the key log there is no secrets block; the same seed gives the same file', () => {
    const events = run({});
    expect(blocks(runToPcapng(events, { keyLog: false, startMs: 0 })).some((b) => b.type === 0x0a)).toBe(false);
    expect(runToPcapng(events, { startMs: 5 })).toEqual(runToPcapng(events, { startMs: 5 }));
  });
});

const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const required = process.env.TLSLAB_REQUIRE_TSHARK === '1';

describe.skipIf(!tshark && !required)('Wireshark (tshark) reads and decrypts the capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlslab-pcap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** frame → [handshake types, HTTP method, HTTP status] as tshark dissects them. */
  function dissect(events: TlsEvent[], keyLog: boolean) {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.pcapng`);
    writeFileSync(path, runToPcapng(events, { keyLog }));
    const out = execFileSync(
      'tshark',
      ['-r', path, '-T', 'fields', '-e', 'tls.handshake.type', '-e', 'http.request.method', '-e', 'http.response.code', '-e', 'tls.alert_message.desc'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const rows = out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.split('\t'));
    return {
      handshake: rows.flatMap((r) => (r[0] ? r[0].split(',').map(Number) : [])),
      methods: rows.map((r) => r[1]).filter(Boolean),
      codes: rows.map((r) => r[2]).filter(Boolean),
      alerts: rows.flatMap((r) => (r[3] ? r[3].split(',').map(Number) : [])),
    };
  }

  it('tshark is installed', () => {
    expect(tshark).toBe(true);
  });

  it('tlslab simulate --pcap FILE writes the same capture', async () => {
    const path = join(dir, 'cli.pcapng');
    let err = '';
    const code = await main(['simulate', '--seed', 'pcap', '--at', '2026-11-25T12:00:00Z', '--pcap', path], {
      out: () => undefined,
      err: (t) => void (err += t),
      isTty: false,
    });
    expect(code).toBe(0);
    expect(err).toContain(`wrote ${path}`);
    const file = new Uint8Array(readFileSync(path));
    expect(payloads(file)).toEqual(payloads(runToPcapng(run({}))));
    const out = execFileSync('tshark', ['-r', path, '-T', 'fields', '-e', 'http.response.code'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(out.split('\n').filter((l) => l.trim())).toEqual(['200']);
  });

  for (const [name, s, handshake] of [
    ['TLS 1.3', {}, [1, 2, 8, 11, 15, 20, 20]],
    ['TLS 1.3 ChaCha20 after HelloRetryRequest', { cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256', helloRetry: true }, [1, 2, 1, 2, 8, 11, 15, 20, 20]],
    ['TLS 1.3 mutual', { mutual: true }, [1, 2, 8, 13, 11, 15, 20, 11, 15, 20]],
    ['TLS 1.3 resumed with a ticket', { resumption: true }, [1, 2, 8, 20, 20, 4]],
    ['TLS 1.3 resumed, the request as 0-RTT data', { resumption: true, earlyData: true }, [1, 2, 8, 20, 5, 20, 4]],
    ['TLS 1.2 ECDHE', { version: 'TLS 1.2' }, [1, 2, 11, 12, 14, 16, 20, 20]],
    ['TLS 1.2 RSA key transport', { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_256_GCM_SHA384', serverKeyType: 'rsa-2048' }, [1, 2, 11, 14, 16, 20, 20]],
  ] as const) {
    it(`${name}: the handshake messages, and the HTTP exchange decrypted with the embedded key log`, () => {
      const events = run(s as Partial<Scenario>);
      const withKeys = dissect(events, true);
      expect(withKeys.handshake).toEqual(handshake);
      expect(withKeys.methods).toEqual(['GET']);
      expect(withKeys.codes).toEqual(['200']);
      expect(withKeys.alerts).toEqual([0, 0]); // close_notify both ways
      // Without the key log Wireshark sees ciphertext only.
      const without = dissect(events, false);
      expect(without.methods).toEqual([]);
      expect(without.codes).toEqual([]);
    });
  }
});
