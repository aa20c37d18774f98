/**
 * Run settings: version, mutual TLS, cipher suite, group, HelloRetryRequest, server key type,
 * server name, a fault to inject, and the seed. Each change re-runs with the same seed. Each
 * control that uses a glossary word carries its definition: as its tooltip (unless the control
 * is disabled, when the tooltip says why) and as its accessible description.
 */
import { useEffect, useId, useState } from 'react';
import { checkServerName, clockFromSeed } from '@tlslab/engine/scenario';
import { useAppStore } from '../store';
import { glossaryLine, type GlossaryId } from '../lessons/glossary';
import { FAULTS, GROUPS, KEY_TYPE_LABELS, KEY_TYPES, SUITES_12, SUITES_13, type CipherSuiteName, type FaultName, type GroupName, type ServerKeyType } from '../store/options';

/** A control's glossary props: the definition as tooltip (or `why`, when given) and as description. */
function gloss(id: GlossaryId, why?: string): { title: string; 'aria-description': string } {
  return { title: why ?? glossaryLine(id), 'aria-description': glossaryLine(id) };
}

/**
 * A text field that commits on Enter or blur (so each keystroke doesn't start a run). With
 * `check`, a value it refuses is not committed: the field says why (and keeps the draft).
 */
function CommitField(props: {
  label: string;
  value: string;
  onCommit: (v: string) => void;
  className?: string;
  maxLength?: number;
  placeholder?: string;
  check?: (v: string) => string | null;
  hint?: string;
  glossary?: GlossaryId;
}) {
  const [draft, setDraft] = useState(props.value);
  const [problem, setProblem] = useState<string | null>(null);
  const descId = useId();
  useEffect(() => {
    setDraft(props.value);
    setProblem(null);
  }, [props.value]);
  const commit = () => {
    if (draft === props.value) return setProblem(null);
    const why = props.check?.(draft) ?? null;
    setProblem(why);
    if (!why) props.onCommit(draft);
  };
  return (
    <label className={props.className}>
      {props.label}
      <input
        type="text"
        value={draft}
        spellCheck={false}
        maxLength={props.maxLength ?? 253}
        placeholder={props.placeholder}
        // The field's name is its label alone; the hint or problem describes it.
        aria-label={props.label}
        title={props.glossary ? glossaryLine(props.glossary) : undefined}
        // The description is the hint (or problem) and the glossary's definition, as one string
        // (aria-description: the definition adds no text to the page).
        aria-description={[problem ?? props.hint, props.glossary ? glossaryLine(props.glossary) : undefined].filter(Boolean).join(' ') || undefined}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setDraft(props.value);
            setProblem(null);
          }
        }}
      />
      {problem ? (
        <span className="field-problem" role="alert" id={descId}>
          {problem}
        </span>
      ) : (
        props.hint && (
          <span className="field-hint" id={descId}>
            {props.hint}
          </span>
        )
      )}
    </label>
  );
}

/** Why a server name is refused (null: usable). */
function serverNameProblem(v: string): string | null {
  const c = checkServerName(v);
  return c.ok ? null : c.reason;
}

/** Why a clock is refused (empty: the seed's clock). */
function clockProblem(v: string): string | null {
  if (v.trim() === '') return null;
  return Number.isNaN(Date.parse(v.trim())) ? `“${v}” is not an ISO 8601 time, e.g. 2026-05-01T08:30:00Z.` : null;
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
  // The no-client-certificate fault is a server that requires one: the switch shows it on.
  const mutualByFault = s.fault === 'no-client-certificate';
  const name = checkServerName(s.serverName);
  return (
    <form className="settings" aria-label="Run settings" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="segmented" aria-description={glossaryLine('versions')}>
        <legend className="sr-only">Protocol version</legend>
        {(['TLS 1.3', 'TLS 1.2'] as const).map((v) => (
          <label key={v} className={s.version === v ? 'seg active' : 'seg'} title={glossaryLine('versions')}>
            <input type="radio" name="version" value={v} checked={s.version === v} aria-description={glossaryLine('versions')} onChange={() => setScenario({ version: v })} />
            {v}
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        role="switch"
        aria-checked={mutualByFault || s.mutual}
        disabled={mutualByFault}
        {...gloss('mutual', mutualByFault ? 'The fault “Mutual TLS without a client certificate” makes the server require one' : undefined)}
        className={mutualByFault || s.mutual ? 'switch on' : 'switch'}
        onClick={() => setScenario({ mutual: !s.mutual })}
      >
        <span className="knob" aria-hidden="true" />
        Mutual TLS
      </button>
      <label>
        Cipher suite
        <select value={s.cipherSuite ?? ''} {...gloss('suite')} onChange={(e) => setScenario({ cipherSuite: (e.target.value || undefined) as CipherSuiteName | undefined })}>
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
          {...gloss('group', rsaTransport ? 'RSA key transport: the client encrypts the premaster secret to the server key, no key exchange group' : undefined)}
          onChange={(e) => setScenario({ group: e.target.value as GroupName })}
        >
          {GROUPS.map((g) => (
            <option key={g} value={g} title={g === 'x25519' || g === 'secp256r1' ? glossaryLine(g) : undefined}>
              {g}
            </option>
          ))}
        </select>
      </label>
      {s.version === 'TLS 1.3' && (
        <label className="check">
          <input type="checkbox" checked={s.helloRetry} {...gloss('hrr')} onChange={(e) => setScenario({ helloRetry: e.target.checked })} />
          HelloRetryRequest
        </label>
      )}
      {s.version === 'TLS 1.3' && (
        <label className="check" title="Resume an earlier session with its ticket: a pre-shared key replaces the certificate (RFC 8446 §2.2)">
          <input type="checkbox" checked={!!s.resumption} {...gloss('psk')} onChange={(e) => setScenario({ resumption: e.target.checked })} />
          Resume (PSK)
        </label>
      )}
      {s.version === 'TLS 1.3' && s.resumption && (
        <label className="check" title="The client sends its request in its first flight, before the server answers, under the client_early_traffic_secret (RFC 8446 §2.3)">
          <input type="checkbox" checked={!!s.earlyData} {...gloss('early-data')} onChange={(e) => setScenario({ earlyData: e.target.checked })} />
          0-RTT data
        </label>
      )}
      <label>
        Server key
        <select
          value={s.serverKeyType}
          disabled={pasted}
          {...gloss('server-key', pasted ? 'The pasted certificate decides the key' : undefined)}
          onChange={(e) => setScenario({ serverKeyType: e.target.value as ServerKeyType })}
        >
          {KEY_TYPES.map((k) => (
            <option key={k} value={k}>
              {KEY_TYPE_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <CommitField
        label="Server name"
        className="sni"
        value={s.serverName}
        check={serverNameProblem}
        glossary="sni"
        hint={name.ok && name.forms.idn ? `sent as ${name.forms.aLabel}` : undefined}
        onCommit={(v) => setScenario({ serverName: v.trim() })}
      />
      <label className="check" title="Off: the client sends no server_name extension (RFC 6066 §3); it still checks the certificate for the name">
        <input type="checkbox" checked={s.sni !== false} {...gloss('sni')} onChange={(e) => setScenario({ sni: e.target.checked ? undefined : false })} />
        Send SNI
      </label>
      {s.version === 'TLS 1.2' && (
        <label
          className="check"
          title="Off: the client does not offer extended_master_secret (RFC 7627), so the classic master secret over the two randoms is used (RFC 5246 §8.1)"
        >
          <input
            type="checkbox"
            checked={s.extendedMasterSecret !== false}
            {...gloss('ems')}
            onChange={(e) => setScenario({ extendedMasterSecret: e.target.checked ? undefined : false })}
          />
          Extended master secret
        </label>
      )}
      <label>
        Break something
        <select value={s.fault} {...gloss('fault')} onChange={(e) => setScenario({ fault: e.target.value as FaultName })}>
          {FAULTS.filter((f) => !f.only || f.only === s.version).map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <div className="seed-group">
        <CommitField label="Seed" className="seed" value={s.seed} maxLength={64} glossary="seed" onCommit={(v) => v.trim() && setScenario({ seed: v.trim() })} />
        <CommitField
          label="Clock"
          className="clock"
          value={s.at ?? ''}
          maxLength={40}
          placeholder={clockFromSeed(s.seed)}
          check={clockProblem}
          glossary="clock"
          hint={s.at ? undefined : 'from the seed'}
          onCommit={(v) => setScenario({ at: v.trim() || undefined })}
        />
        <button type="button" onClick={newHandshake} title="Fresh randomness: a new seed with the same settings" aria-description={glossaryLine('seed')}>
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
