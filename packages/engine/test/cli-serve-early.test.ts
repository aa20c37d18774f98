/**
 * `tlslab serve --tickets N --max-early-data BYTES` with `openssl s_client` as the client: the
 * first connection takes a ticket, the second resumes with it and sends its request as 0-RTT
 * data, which the server accepts and answers. The flag's checks are usage errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main';
import type { Io } from '../src/cli/output';
import { freePort, serveInProcess, spawnProcess } from './interop-helpers';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const io: Io = { out: () => undefined, err: (t) => void (err += t), isTty: false };
  return { code: await main(argv, io), err };
}

describe('serve --max-early-data', () => {
  it('needs --tickets and a sane number of bytes', async () => {
    expect(await run(['serve', '--port', '0', '--max-early-data', '100'])).toMatchObject({ code: 2, err: expect.stringMatching(/needs --tickets/) });
    expect(await run(['serve', '--port', '0', '--tickets', '1', '--max-early-data', 'lots'])).toMatchObject({ code: 2, err: expect.stringMatching(/bad --max-early-data/) });
  });

  it('openssl s_client resumes and its 0-RTT request is accepted and answered', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tlslab-serve-early-'));
    closers.push(() => rmSync(cwd, { recursive: true, force: true }));
    const port = await freePort();
    const serve = serveInProcess(['serve', '--port', String(port), '--tickets', '1', '--max-early-data', '16384'], cwd);
    closers.push(serve.stop);
    await serve.waitFor('listening on');
    expect(serve.output()).toContain('accepting up to 16384 bytes of 0-RTT data');
    const sess = join(cwd, 'session.pem');
    const early = join(cwd, 'early.txt');
    writeFileSync(early, 'GET /early HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const common = [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      'localhost',
      '-CAfile',
      join(cwd, '.tlslab', 'demo-root.pem'),
      '-verify_return_error',
      '-tls1_3',
      '-ign_eof',
    ];
    const c1 = spawnProcess('openssl', [...common, '-sess_out', sess], { stdin: 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n' });
    expect(await c1.exited, c1.output()).toBe(0);
    expect(c1.output()).toContain('New, TLSv1.3');
    const c2 = spawnProcess('openssl', [...common, '-sess_in', sess, '-early_data', early], { stdin: '' });
    expect(await c2.exited, c2.output()).toBe(0);
    expect(c2.output()).toContain('Reused, TLSv1.3');
    expect(c2.output()).toContain('Early data was accepted');
    expect(c2.output()).toContain('Hello from TLS Lab.');
    await serve.waitFor('"GET /early HTTP/1.1"', 10_000);
    expect(serve.output()).toMatch(/#2 .*handshake done: TLS 1\.3, .*resumed \(PSK\), 0-RTT data accepted/);
    serve.stop();
    await serve.exited;
  });
});
