/**
 * The page talks to real TLS peers through `tlslab relay`: its client against `openssl s_server`,
 * and `openssl s_client` against its server. Both complete, and the diagram draws them.
 */
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startRelay, type Relay } from '../packages/engine/src/cli/relay';
import { arrowNames, shot, waitForRun } from './helpers';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs a command and collects its output; `ready` resolves when `pattern` shows up. */
function run(cmd: string, args: string[], stdin?: string): { child: ChildProcess; out: () => string; ready: (p: string) => Promise<void>; exited: Promise<void> } {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  if (stdin !== undefined) child.stdin!.end(stdin);
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    child,
    out: () => out,
    exited,
    ready: async (p) => {
      const t0 = Date.now();
      while (!out.includes(p)) {
        if (Date.now() - t0 > 15_000) throw new Error(`${cmd} did not print ${p}: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

let relay: Relay | undefined;
const children: ChildProcess[] = [];
test.afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children.length = 0;
  await relay?.close();
  relay = undefined;
});

test("the page's client against openssl s_server, through the relay", async ({ page }, info) => {
  const port = await freePort();
  // valid.pem is leaf then intermediate: s_server takes the leaf with -cert and the rest with -cert_chain.
  const dir = mkdtempSync(join(tmpdir(), 'tlslab-relay-e2e-'));
  const pems = readFileSync('public/samples/valid.pem', 'utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
  writeFileSync(join(dir, 'leaf.pem'), `${pems[0]}\n`);
  writeFileSync(join(dir, 'chain.pem'), `${pems.slice(1).join('\n')}\n`);
  const server = run('openssl', [
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    join(dir, 'leaf.pem'),
    '-cert_chain',
    join(dir, 'chain.pem'),
    '-key',
    'public/samples/valid.key',
    '-www',
    '-tls1_3',
    '-naccept',
    '1',
  ]);
  children.push(server.child);
  await server.ready('ACCEPT');
  relay = await startRelay({ port: 0, allow: [] });

  await page.goto('/?seed=e2e-relay');
  const first = await waitForRun(page);
  // The client must trust the server's CA: the sample root, in the Certificates tab's trust box.
  await page.getByRole('tab', { name: 'Certificates' }).click();
  await page.getByLabel('Extra trust anchors (PEM, optional)').fill(readFileSync('public/samples/sample-root.pem', 'utf8'));

  await page.locator('details.real-peer > summary').click();
  await page.getByRole('combobox', { name: 'Server', exact: true }).selectOption('real');
  await page.getByLabel('Relay').fill(`ws://127.0.0.1:${relay.port}`);
  await page.getByLabel('Real server (HOST:PORT)').fill(`127.0.0.1:${port}`);
  await page.getByRole('button', { name: 'Connect' }).click();
  await waitForRun(page, first);
  await expect(page.getByTestId('live-status')).toContainText('Done: TLS 1.3');
  await page.locator('details.real-peer > summary').click(); // close the popover
  await page.keyboard.press('End');
  const names = await arrowNames(page);
  expect(names[0]).toMatch(/^ClientHello, client to server/);
  expect(names.some((n) => /ServerHello.*server to client/.test(n))).toBe(true);
  expect(names.some((n) => /^Application Data, server to client/.test(n))).toBe(true);
  const report = page.getByRole('region', { name: /Client's check of the server/ });
  await page.getByRole('tab', { name: 'Certificates' }).click();
  await expect(report).toContainText('✓ valid');
  await shot(page, info, 'relay-real-server');
});

test("openssl s_client against the page's server, through the relay's --listen port", async ({ page }, info) => {
  relay = await startRelay({ port: 0, allow: [], listen: 0 });
  await page.goto('/?seed=e2e-relay-server');
  const first = await waitForRun(page);
  await page.locator('details.real-peer > summary').click();
  await page.getByRole('combobox', { name: 'Client', exact: true }).selectOption('real');
  await page.getByLabel('Relay').fill(`ws://127.0.0.1:${relay.port}`);
  await page.getByRole('button', { name: 'Wait for a client' }).click();
  await expect(page.getByTestId('live-status')).toContainText('Waiting for a TLS client');
  // Give the page's WebSocket a moment to reach the relay's /accept queue.
  await expect.poll(() => page.getByTestId('live-status').textContent()).toContain('Waiting');
  const client = run(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${relay.listenPort}`, '-servername', 'server.tlslab.test', '-tls1_3', '-ign_eof'],
    'GET / HTTP/1.1\r\nHost: server.tlslab.test\r\n\r\n',
  );
  children.push(client.child);
  await waitForRun(page, first);
  await client.exited;
  expect(client.out()).toContain("Hello from TLS Lab's engine in your browser!");
  await expect(page.getByTestId('live-status')).toContainText('Done: TLS 1.3');
  await page.locator('details.real-peer > summary').click();
  await page.keyboard.press('End');
  const names = await arrowNames(page);
  expect(names[0]).toMatch(/^ClientHello, client to server/);
  expect(names[1]).toMatch(/^ServerHello, server to client/);
  // curl's / s_client's request comes after the server's flight, as it arrived.
  const request = names.findIndex((n) => /^Application Data, client to server/.test(n));
  expect(request).toBeGreaterThan(names.findIndex((n) => /^EncryptedExtensions/.test(n)));
  expect(names.some((n) => /^Application Data, server to client/.test(n))).toBe(true);
  await expect(page.getByText(/0-RTT/)).toHaveCount(0);
  await shot(page, info, 'relay-real-client');
});
