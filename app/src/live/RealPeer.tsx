/**
 * "Real peer": the engine in the page talks to a real TLS server (Server: real server) or
 * answers a real TLS client (Client: real client), through `tlslab relay` on this machine. The
 * run is drawn like any other; a note in it says which side is real.
 */
import { useAppStore } from '../store';
import { runLive, stopLive } from '../engine-client';
import { relayProblem, targetProblem, useLiveStore, type PeerChoice } from './store';

function Choice(props: { label: string; value: PeerChoice; onChange: (v: PeerChoice) => void; real: string }) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as PeerChoice)}>
        <option value="built-in">built in</option>
        <option value="real">{props.real}</option>
      </select>
    </label>
  );
}

export function RealPeer() {
  const live = useLiveStore();
  const shown = useAppStore((s) => s.runId);
  const scenario = useAppStore((s) => s.scenario);
  const status = useAppStore((s) => s.status);
  const running = live.runId !== null && status === 'running';
  const mode = live.server === 'real' ? 'client' : live.client === 'real' ? 'server' : null;
  const problem = mode === null ? null : (relayProblem(live.relay) ?? (mode === 'client' ? targetProblem(live.target) : null));
  const relayPort = (() => {
    try {
      return new URL(live.relay).port || '8090';
    } catch {
      return '8090';
    }
  })();
  const trustPem = useAppStore((s) => s.paste.trustPem);
  const start = () => {
    if (mode === null || problem) return;
    // The client trusts what the Certificates tab's trust box holds (the server's CA).
    const extraTrustPem = [scenario.extraTrustPem, trustPem].filter((p) => p?.trim()).join('\n') || undefined;
    runLive(mode === 'client' ? { mode, target: live.target, scenario: { ...scenario, extraTrustPem } } : { mode, scenario }, live.relay);
  };
  return (
    <details className="real-peer">
      <summary>{live.runId !== null && live.runId === shown ? 'Real peer · live run shown' : 'Real peer'}</summary>
      <div className="real-peer-body" role="group" aria-label="Real peer">
        <p className="hint">
          The engine in this page can talk to a real TLS server, or answer a real TLS client, through <code>tlslab relay</code> on your machine. It only relays bytes: the TLS is
          done here, and the diagram shows the real peer's records.
        </p>
        <div className="row">
          <Choice label="Server" value={live.server} real="real server" onChange={(v) => live.set({ server: v, ...(v === 'real' ? { client: 'built-in' } : {}) })} />
          <Choice label="Client" value={live.client} real="real client" onChange={(v) => live.set({ client: v, ...(v === 'real' ? { server: 'built-in' } : {}) })} />
          <label>
            Relay
            <input type="text" spellCheck={false} value={live.relay} onChange={(e) => live.set({ relay: e.target.value.trim() })} />
          </label>
          {live.server === 'real' && (
            <label>
              Real server (HOST:PORT)
              <input type="text" spellCheck={false} value={live.target} onChange={(e) => live.set({ target: e.target.value.trim() })} />
            </label>
          )}
        </div>
        {mode === 'client' && (
          <p className="hint">
            Start the relay: <code>pnpm tlslab relay --port {relayPort}</code> (a target other than 127.0.0.1/localhost needs <code>--allow {live.target}</code>). For the client to
            trust the server, paste its CA into the Certificates tab's trust anchors box. The version, suites, group and server name are this page's settings.
          </p>
        )}
        {mode === 'server' && (
          <p className="hint">
            Start the relay: <code>pnpm tlslab relay --port {relayPort} --listen 8443</code>, press <strong>Wait for a client</strong>, then connect:{' '}
            <code>curl -k https://127.0.0.1:8443/</code> or <code>openssl s_client -connect 127.0.0.1:8443 -servername {scenario.serverName}</code>. The server presents this page's
            demo certificate (or the pasted one with its key).
          </p>
        )}
        {problem && (
          <p className="problem" role="alert">
            {problem}
          </p>
        )}
        {mode !== null && (
          <div className="row">
            {!running ? (
              <button type="button" onClick={start} disabled={!!problem}>
                {mode === 'client' ? 'Connect' : 'Wait for a client'}
              </button>
            ) : (
              <button type="button" onClick={stopLive}>
                Stop
              </button>
            )}
          </div>
        )}
        {live.status && (
          <p className="status" data-testid="live-status" aria-live="polite">
            {live.status}
          </p>
        )}
      </div>
    </details>
  );
}
