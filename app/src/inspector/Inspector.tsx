/**
 * The record inspector: the selected arrow's record as hex + field tree (linked both ways);
 * for a protected record, how it was sealed (key, nonce = write_iv XOR sequence, AAD, tag)
 * and the decrypted inner plaintext with its own tree.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, type RefObject } from 'react';
import { equalBytes, paddedSequence } from '@tlslab/engine/hex';
import { useAppStore } from '../store';
import { useShownRun } from '../store/after-paint';
import { negotiated, type Arrow, type HandshakeEvent, type ProtectedInfo, type RecordEvent, type RunView } from '../store/derive';
import { hex, utf8Text } from '../format';
import { HexView } from './HexView';
import { FieldTree } from './FieldTree';
import { withMessageSpans, type MessageSpans } from './spans';
import { plaintextSpans, sentMessages, wireSpans } from './record-spans';
import { SuiteAnatomy } from './SuiteAnatomy';
import { CertificateBytes } from './CertificateBytes';
import { ComputeIt } from '../compute/ComputeIt';
import { aeadOf, decryptRecipes, nonceRecipes } from '../compute/recipes';

function Bytes({ value }: { value: Uint8Array }) {
  return <code className="bytes">{hex(value, ' ')}</code>;
}

function NonceComputation({ p }: { p: ProtectedInfo }) {
  if (p.explicitNonce) {
    return (
      <table className="calc" aria-label="Nonce computation">
        <tbody>
          <tr>
            <th>salt (implicit IV)</th>
            <td>
              <Bytes value={p.iv} />
            </td>
          </tr>
          <tr>
            <th>‖ explicit nonce</th>
            <td>
              <Bytes value={p.explicitNonce} />
            </td>
          </tr>
          <tr className="result">
            <th>= nonce</th>
            <td>
              <Bytes value={p.nonce} />
            </td>
          </tr>
        </tbody>
      </table>
    );
  }
  const seq = paddedSequence(p.sequence, p.iv.length);
  return (
    <table className="calc" aria-label="Nonce computation">
      <tbody>
        <tr>
          <th>write_iv</th>
          <td>
            <Bytes value={p.iv} />
          </td>
        </tr>
        <tr>
          <th>XOR sequence {p.sequence}</th>
          <td>
            <Bytes value={seq} />
          </td>
        </tr>
        <tr className="result">
          <th>= nonce</th>
          <td>
            <Bytes value={p.nonce} />
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function ProtectedView({ run, arrow, p, messages }: { run: RunView; arrow: Arrow; p: ProtectedInfo; messages: MessageSpans[] }) {
  const spans = useMemo(() => plaintextSpans(arrow, messages) ?? [], [arrow, messages]);
  const suite = useMemo(() => negotiated(run.events, run.events.length).client?.cipherSuite, [run]);
  const aead = aeadOf(suite);
  const keyTab = (name: string) => {
    useAppStore.getState().setTab('keys');
    requestAnimationFrame(() => {
      const el = document.querySelector<HTMLElement>(`[data-secret="${CSS.escape(name)}"]`);
      el?.scrollIntoView({ block: 'center' });
      el?.classList.add('flash');
      setTimeout(() => el?.classList.remove('flash'), 1200);
    });
  };
  return (
    <>
      <section className="card">
        <h3>Record protection (AEAD)</h3>
        <dl className="kv">
          <dt>Key</dt>
          <dd data-testid="record-key">
            <button type="button" className="linkish" onClick={() => keyTab(p.keyLabel)} title="Show in the key schedule">
              {p.keyLabel}
            </button>
            {' = '}
            <span className="mono small">{p.keyFormula}</span>
            {p.trafficSecret && (
              <div className="muted small">
                the write key expanded from{' '}
                <button type="button" className="linkish" onClick={() => keyTab(p.trafficSecret!)} title="Show in the key schedule">
                  {p.trafficSecret}
                </button>{' '}
                (RFC 8446 §7.3)
              </div>
            )}
            <div>
              <Bytes value={p.key} />
            </div>
          </dd>
          <dt>IV</dt>
          <dd data-testid="record-iv">
            <button type="button" className="linkish" onClick={() => keyTab(p.ivLabel)} title="Show in the key schedule">
              {p.ivLabel}
            </button>
            {' = '}
            <span className="mono small">{p.ivFormula}</span>
            <div>
              <Bytes value={p.iv} />
            </div>
          </dd>
          <dt>Nonce</dt>
          <dd>
            <div className="muted">{p.nonceFormula}</div>
            <NonceComputation p={p} />
            <ComputeIt recipes={nonceRecipes(p)} what="the nonce" />
          </dd>
          <dt>AAD</dt>
          <dd>
            {p.aad.length === 13 ? (
              // TLS 1.2 (RFC 5246 §6.2.3.3): seq_num + type + version + the plaintext's length; never sent.
              <>
                <Bytes value={p.aad.subarray(0, 8)} /> ‖ <Bytes value={p.aad.subarray(8)} />{' '}
                <span className="muted">(seq_num ‖ type, version, plaintext length — not sent; RFC 5246 §6.2.3.3)</span>
              </>
            ) : (
              <>
                <Bytes value={p.aad} /> <span className="muted">(the record header, RFC 8446 §5.2)</span>
              </>
            )}
          </dd>
          <dt>Ciphertext</dt>
          <dd className="muted">{p.ciphertext.length} bytes</dd>
          <dt>Tag</dt>
          <dd>
            <Bytes value={p.tag} />
          </dd>
        </dl>
      </section>
      <section className="card">
        <h3>
          Decrypted: {p.innerContentType}
          {p.padding > 0 && <span className="muted"> · {p.padding} bytes of padding</span>}
        </h3>
        {aead && <ComputeIt recipes={decryptRecipes(p, aead)} what="the decrypted record (content, type and padding)" />}
        <div className="hex-and-tree">
          <HexView key={`${arrow.id}-plain`} bytes={p.plaintext} spans={spans} space="plaintext" label={`Decrypted ${arrow.label} bytes`} />
          <FieldTree spans={spans} space="plaintext" label={`Decrypted ${arrow.label} fields`} />
        </div>
      </section>
      {messages.some((m) => m.name === 'Certificate') && <CertificateBytes run={run} arrow={arrow} bytes={p.plaintext} spans={spans} />}
    </>
  );
}

/**
 * Scrolls the panel around `root` back to the top when `shownId` changes. A listener keeps
 * whether the panel is scrolled at all, so a step only scrolls it (which forces a layout in the
 * middle of React's commit) when it is not at the top already.
 */
function useTopForEachRecord(root: RefObject<HTMLElement | null>, shownId: string | undefined): void {
  const scrolled = useRef(false);
  const shown = shownId !== undefined;
  useEffect(() => {
    const panel = root.current?.closest('.panel');
    if (!panel) return;
    const onScroll = () => {
      scrolled.current = panel.scrollTop > 0;
    };
    panel.addEventListener('scroll', onScroll, { passive: true });
    return () => panel.removeEventListener('scroll', onScroll);
  }, [root, shown]);
  useLayoutEffect(() => {
    if (!scrolled.current) return;
    scrolled.current = false;
    root.current?.closest('.panel')?.scrollTo({ top: 0 });
  }, [root, shownId]);
}

export function Inspector() {
  // A frame behind the diagram: a step paints its arrow first (after-paint.ts).
  const { run, cursor, selectedRecordId: selectedId } = useShownRun();
  const visible = useMemo(() => run.arrows.filter((a) => a.step <= cursor), [run, cursor]);
  const pinned = selectedId ? run.arrows.find((a) => a.id === selectedId) : undefined;
  const arrow = pinned ?? visible[visible.length - 1];
  const events = run.events;
  const handshakes = useMemo(() => (arrow ? sentMessages(events, arrow) : []), [events, arrow]);
  const appdata = useMemo(() => (arrow ? events.find((e) => e.type === 'appdata' && e.direction === 'sent' && e.recordId === arrow.id) : undefined), [events, arrow]);

  // What arrived, when a man in the middle changed the record on the way.
  const received = useMemo(() => {
    if (!arrow?.tampered) return undefined;
    const e = events.find((x): x is RecordEvent => x.type === 'record' && x.direction === 'received' && x.recordId === arrow.id);
    if (!e || equalBytes(e.bytes, arrow.record.bytes)) return undefined;
    const read = events.filter((x): x is HandshakeEvent => x.type === 'handshake' && x.direction === 'received' && x.recordId === arrow.id);
    const spans = !e.protected && e.contentType === 'handshake' ? withMessageSpans(e.spans, e.bytes, 5, e.bytes.length, read) : e.spans;
    return { bytes: e.bytes, spans };
  }, [events, arrow]);

  const recordSpans = useMemo(() => (arrow ? wireSpans(arrow, handshakes) : []), [arrow, handshakes]);

  // Another record on show: its details start at the top, not where the last one was scrolled to.
  const rootRef = useRef<HTMLDivElement>(null);
  useTopForEachRecord(rootRef, arrow?.id);

  if (!arrow) {
    return <p className="empty">Nothing has been sent yet. Press ▶ or → to send the first record, then click an arrow to inspect it.</p>;
  }
  if (pinned && pinned.step > cursor) {
    return (
      <p className="empty">
        <strong>{pinned.label}</strong> has not been sent yet at this step (it travels in step {pinned.step}).{' '}
        <button type="button" className="linkish" onClick={() => useAppStore.getState().select(null)}>
          Follow the latest record
        </button>
      </p>
    );
  }
  const r = arrow.record;
  const serverHello = arrow.from === 'server' ? handshakes.find((h) => h.name === 'ServerHello') : undefined;
  return (
    <div className="inspector" data-testid="inspector" data-record-id={arrow.id} ref={rootRef}>
      <header className="inspector-head">
        <h2>{arrow.label}</h2>
        <div className="muted">
          {arrow.from} → {arrow.to} · record {arrow.id} · {r.contentType} · {r.bytes.length} bytes · step {arrow.step}
          {!pinned && ' · following the latest record (click an arrow to pin one)'}
          {pinned && (
            <>
              {' · '}
              <button type="button" className="linkish" onClick={() => useAppStore.getState().select(null)}>
                unpin
              </button>
            </>
          )}
        </div>
      </header>
      {arrow.fault && arrow.fault.actor !== 'setup' && (
        <section className="card warn" role="note" data-testid="fault-card" data-actor={arrow.fault.actor}>
          <h3>
            {arrow.fault.actor === 'on-path-attacker'
              ? 'Changed in transit by an on-path attacker'
              : `A faulty ${arrow.fault.culprit}: wrong ${arrow.fault.message ?? 'value'}, not a change in transit`}
          </h3>
          <p className="small">
            {arrow.fault.text} {arrow.fault.rfc && <span className="muted">({arrow.fault.rfc})</span>}
          </p>
        </section>
      )}
      {arrow.notes.length > 0 && (
        <section className={arrow.tampered ? 'card warn' : 'card'} role="note">
          {arrow.notes.map((n, i) => (
            <p key={i} className="small">
              {n}
            </p>
          ))}
          {arrow.tampered && <p className="small">“On the wire” below is what the sender sent; “What the receiver got” is after the on-path attacker changed it.</p>}
        </section>
      )}
      {handshakes.length > 0 && (
        <section className="card">
          <h3>At a glance</h3>
          {handshakes.map((h) => (
            <dl className="kv" key={h.seq}>
              <dt className="msgname">{h.name}</dt>
              <dd />
              {Object.entries(h.summary).map(([k, v]) => (
                <FragmentKV key={k} k={k} v={v} />
              ))}
            </dl>
          ))}
        </section>
      )}
      {serverHello && <SuiteAnatomy run={run} arrow={arrow} serverHello={serverHello} />}
      {appdata && appdata.type === 'appdata' && (
        <section className="card">
          <h3>Application data ({appdata.data.length} bytes)</h3>
          <pre className="appdata" data-testid="appdata-text">
            {utf8Text(appdata.data)}
          </pre>
        </section>
      )}
      {r.protected && <ProtectedView run={run} arrow={arrow} p={r.protected} messages={handshakes} />}
      <section className="card">
        <h3>On the wire{r.protected ? ' (what an eavesdropper sees)' : ''}</h3>
        <div className="hex-and-tree">
          <HexView key={`${arrow.id}-wire`} bytes={r.bytes} spans={recordSpans} space="record" label={`${arrow.label} record bytes`} />
          <FieldTree spans={recordSpans} space="record" label={`${arrow.label} record fields`} />
        </div>
      </section>
      {!r.protected && handshakes.some((m) => m.name === 'Certificate') && <CertificateBytes run={run} arrow={arrow} bytes={r.bytes} spans={recordSpans} />}
      {received && (
        <section className="card warn" data-testid="received-bytes">
          <h3>What the receiver got</h3>
          <p className="small">{describeChange(r.bytes, received.bytes, received.spans)}</p>
          <div className="hex-and-tree">
            <HexView key={`${arrow.id}-received`} bytes={received.bytes} spans={received.spans} space="received" label={`${arrow.label} record bytes as received`} />
            <FieldTree spans={received.spans} space="received" label={`${arrow.label} record fields as received`} />
          </div>
        </section>
      )}
    </div>
  );
}

function FragmentKV({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd className="mono">{v}</dd>
    </>
  );
}

/** "1 byte differs from what was sent, the first at offset 5 (encrypted_record)". */
function describeChange(sent: Uint8Array, got: Uint8Array, spans: readonly { start: number; end: number; depth: number; label: string }[]): string {
  let first = 0;
  while (first < sent.length && first < got.length && sent[first] === got[first]) first++;
  // The innermost field holding that byte, as the receiver parsed it.
  const field = spans.filter((s) => s.start <= first && first < s.end).sort((a, b) => b.depth - a.depth)[0];
  const where = `offset ${first}${field ? ` (${field.label})` : ''}`;
  if (sent.length !== got.length) {
    const d = sent.length - got.length;
    return `${Math.abs(d)} byte${Math.abs(d) === 1 ? '' : 's'} ${d > 0 ? 'shorter' : 'longer'} than what was sent; the first difference is at ${where}.`;
  }
  const diff = sent.reduce((n, x, i) => n + (x === got[i] ? 0 : 1), 0);
  return `${diff} byte${diff === 1 ? ' differs' : 's differ'} from what was sent, the first at ${where}.`;
}
