/**
 * What is on screen when a capture is open: the file, the key log, the connection picker
 * (client → server, SNI, version, time, whether it decrypted), the file's problems, and the
 * way back to the simulated handshake.
 */
import type { ObservedConnection } from '@tlslab/engine';
import { KEY_LOG_HINT } from '@tlslab/engine/keylog';
import { useAppStore } from '../store';
import { closeCapture, showConnection, useCaptureStore } from './capture';

const DECRYPTION: Record<ObservedConnection['decryption'], string> = {
  decrypted: 'decrypted',
  partly: 'partly decrypted',
  'no-matching-keys': 'encrypted (no keys for it in the key log)',
  'no-key-log': 'encrypted (no key log)',
  plaintext: 'nothing encrypted',
  unsupported: 'encrypted with a suite TLS Lab does not decrypt yet',
};

function connectionLabel(c: ObservedConnection): string {
  const time = new Date(c.startMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return `#${c.index} ${c.client} → ${c.server}${c.serverName ? ` (${c.serverName})` : ''} · ${c.version ?? 'version unknown'} · ${time} · ${DECRYPTION[c.decryption]}`;
}

export function CaptureBar() {
  const st = useCaptureStore();
  if (st.dragging) return <div className="capture-drop">Drop a capture (.pcap, .pcapng), with its key log if you have one</div>;
  if (!st.active) return null;
  const current = st.connections.find((c) => c.index === st.connection);
  return <CaptureDetails st={st} current={current} />;
}

/** The real timing of the connection, from the packet timestamps (timing events and the last event's time). */
function Timing() {
  const events = useAppStore((s) => s.run.events);
  const rtt = events.find((e) => e.type === 'timing');
  const last = events.reduce((m, e) => Math.max(m, e.t), 0);
  if (events.length === 0) return null;
  return (
    <span className="small muted" data-testid="capture-timing">
      {rtt && rtt.type === 'timing' ? `ServerHello ${rtt.ms.toFixed(2)} ms after the ClientHello · ` : ''}
      {`${last.toFixed(1)} ms from the first packet (SYN) to the last record, by the packet timestamps`}
    </span>
  );
}

function CaptureDetails({ st, current }: { st: ReturnType<typeof useCaptureStore.getState>; current: ObservedConnection | undefined }) {
  const encrypted = current && (current.decryption === 'no-key-log' || current.decryption === 'no-matching-keys');
  return (
    <section className="capture-bar" aria-label="Capture">
      <div className="capture-row">
        <strong>Capture</strong>
        <span className="mono small" data-testid="capture-name">
          {st.fileName}
        </span>
        <span className="small muted">
          {st.keyLog?.given
            ? `key log: ${st.keyLog.secrets} secrets${st.keyLog.embedded ? ' (some inside the capture)' : ''}${st.keyLogName ? ` from ${st.keyLogName}` : ''}`
            : 'no key log'}
          {st.trustName ? ` · certificates checked against ${st.trustName}` : ''}
        </span>
        {st.busy && <span className="small muted">reading…</span>}
        <span className="spacer" />
        {st.connections.length > 0 && (
          <label className="small">
            Connection{' '}
            <select
              data-testid="capture-connection"
              value={st.connection ?? ''}
              disabled={st.busy || st.connections.length < 2}
              onChange={(e) => showConnection(Number(e.target.value))}
            >
              {st.connections.map((c) => (
                <option key={c.index} value={c.index}>
                  {connectionLabel(c)}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={closeCapture}>
          Close capture
        </button>
      </div>
      <div className="capture-row">
        {st.connections.length > 1 && <span className="small muted">{st.connections.length} TLS connections in this capture: pick one above.</span>}
        {current && !st.busy && <Timing />}
      </div>
      {st.problems.map((p) => (
        <div key={p} role="alert" className="capture-problem small">
          {p}
        </div>
      ))}
      {current?.problems.map((p) => (
        <div key={p} className="capture-problem small">
          Connection {current.index}: {p}
        </div>
      ))}
      {encrypted && (
        <div className="small muted" data-testid="capture-keylog-hint">
          {current.decryption === 'no-key-log'
            ? `The encrypted part of this connection is not shown. ${KEY_LOG_HINT}`
            : 'The key log has no secrets for this connection: its encrypted records stay encrypted.'}
        </div>
      )}
    </section>
  );
}
