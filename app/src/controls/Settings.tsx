/**
 * Run settings: version, mutual TLS, cipher suite, group, HelloRetryRequest, server key type,
 * server name, a fault to inject, and the seed. Each change re-runs with the same seed.
 */
import { useEffect, useState } from 'react';
import { useAppStore } from '../store';
import { FAULTS, GROUPS, KEY_TYPE_LABELS, KEY_TYPES, SUITES_12, SUITES_13, type CipherSuiteName, type FaultName, type GroupName, type ServerKeyType } from '../store/options';

/** A text field that commits on Enter or blur (so each keystroke doesn't start a run). */
function CommitField(props: { label: string; value: string; onCommit: (v: string) => void; className?: string; maxLength?: number }) {
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const commit = () => {
    if (draft !== props.value) props.onCommit(draft);
  };
  return (
    <label className={props.className}>
      {props.label}
      <input
        type="text"
        value={draft}
        spellCheck={false}
        maxLength={props.maxLength ?? 253}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(props.value);
        }}
      />
    </label>
  );
}

/** Copies the page's link (it holds the seed and every setting, so it replays this run). */
function CopyLink() {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch {
      window.prompt('Copy this link to replay the run:', location.href);
    }
  };
  return (
    <button type="button" onClick={() => void copy()} title="The link holds the seed and every setting (not a pasted certificate)">
      {done ? 'Copied' : 'Copy link'}
    </button>
  );
}

export function Settings() {
  const s = useAppStore((st) => st.scenario);
  const adjustments = useAppStore((st) => st.adjustments);
  const pasted = !!s.pastedChainPem;
  const { setScenario, newHandshake } = useAppStore.getState();
  const suites = s.version === 'TLS 1.2' ? SUITES_12 : SUITES_13;
  const rsaTransport = s.version === 'TLS 1.2' && !!s.cipherSuite?.startsWith('TLS_RSA_');
  return (
    <form className="settings" aria-label="Run settings" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="segmented">
        <legend className="sr-only">Protocol version</legend>
        {(['TLS 1.3', 'TLS 1.2'] as const).map((v) => (
          <label key={v} className={s.version === v ? 'seg active' : 'seg'}>
            <input type="radio" name="version" value={v} checked={s.version === v} onChange={() => setScenario({ version: v })} />
            {v}
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        role="switch"
        aria-checked={s.mutual}
        className={s.mutual ? 'switch on' : 'switch'}
        onClick={() => setScenario({ mutual: !s.mutual })}
      >
        <span className="knob" aria-hidden="true" />
        Mutual TLS
      </button>
      <label>
        Cipher suite
        <select value={s.cipherSuite ?? ''} onChange={(e) => setScenario({ cipherSuite: (e.target.value || undefined) as CipherSuiteName | undefined })}>
          <option value="">Client's preference list</option>
          {suites.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </label>
      <label>
        Group
        <select
          value={s.group}
          disabled={rsaTransport}
          title={rsaTransport ? 'RSA key transport: the client encrypts the premaster secret to the server key, no key exchange group' : undefined}
          onChange={(e) => setScenario({ group: e.target.value as GroupName })}
        >
          {GROUPS.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      {s.version === 'TLS 1.3' && (
        <label className="check">
          <input type="checkbox" checked={s.helloRetry} onChange={(e) => setScenario({ helloRetry: e.target.checked })} />
          HelloRetryRequest
        </label>
      )}
      {s.version === 'TLS 1.3' && (
        <label className="check" title="Resume an earlier session with its ticket: a pre-shared key replaces the certificate (RFC 8446 §2.2)">
          <input type="checkbox" checked={!!s.resumption} onChange={(e) => setScenario({ resumption: e.target.checked })} />
          Resume (PSK)
        </label>
      )}
      {s.version === 'TLS 1.3' && s.resumption && (
        <label className="check" title="The client sends its request in its first flight, before the server answers, under the client_early_traffic_secret (RFC 8446 §2.3)">
          <input type="checkbox" checked={!!s.earlyData} onChange={(e) => setScenario({ earlyData: e.target.checked })} />
          0-RTT data
        </label>
      )}
      <label>
        Server key
        <select value={s.serverKeyType} disabled={pasted} title={pasted ? 'The pasted certificate decides the key' : undefined} onChange={(e) => setScenario({ serverKeyType: e.target.value as ServerKeyType })}>
          {KEY_TYPES.map((k) => (
            <option key={k} value={k}>
              {KEY_TYPE_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <CommitField label="Server name (SNI)" className="sni" value={s.serverName} onCommit={(v) => setScenario({ serverName: v.trim() })} />
      <label>
        Break something
        <select value={s.fault} onChange={(e) => setScenario({ fault: e.target.value as FaultName })}>
          {FAULTS.filter((f) => !f.only || f.only === s.version).map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <div className="seed-group">
        <CommitField label="Seed" className="seed" value={s.seed} maxLength={64} onCommit={(v) => v.trim() && setScenario({ seed: v.trim() })} />
        <button type="button" onClick={newHandshake} title="Fresh randomness: a new seed with the same settings">
          New handshake
        </button>
        <CopyLink />
      </div>
      {adjustments.length > 0 && (
        <p className="adjusted" role="status" data-testid="adjustments">
          {adjustments.join(' ')}
        </p>
      )}
    </form>
  );
}
