/**
 * Certificates: the verification reports of this run (the client's checks of the server chain
 * and, in mutual TLS, the server's checks of the client chain), each check pass/fail with its
 * reason and RFC section; and a paste box whose chain the next run's server presents.
 * Parsing and verification of a paste run in the Worker, never on the main thread.
 */
import { useMemo, useDeferredValue } from 'react';
import { useAppStore } from '../store';
import { visibleCount, type AlertEvent, type CertCheckEvent, type CertReportEvent, type HandshakeEvent } from '../store/derive';
import { rfcLink } from '../format';
import { inspectPem } from '../engine-client';
import type { PemInspection } from '@tlslab/engine/worker';

type Report = CertReportEvent['report'];
type Check = CertCheckEvent['check'];

/** Largest paste accepted (the Worker would cope, but nobody pastes a megabyte of PEM on purpose). */
const MAX_PASTE = 1_000_000;
const TOO_BIG = 'That paste is over 1 MB; a certificate chain is a few kilobytes.';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

const SAMPLES: { id: string; label: string; trusted: boolean }[] = [
  { id: 'valid', label: 'Valid', trusted: true },
  { id: 'expired', label: 'Expired', trusted: true },
  { id: 'wrong-host', label: 'Wrong host', trusted: true },
  { id: 'self-signed', label: 'Self-signed', trusted: false },
];

/** Mutual TLS samples: client certificates (clientAuth) made by the same openssl script. */
const CLIENT_SAMPLES: { id: string; label: string; trusted: boolean }[] = [
  { id: 'client-valid', label: 'Valid client', trusted: true },
  { id: 'client-expired', label: 'Expired client', trusted: true },
  { id: 'client-self-signed', label: 'Self-signed client', trusted: false },
];

function CheckRow({ c, certs }: { c: Check; certs: Report['certificates'] | undefined }) {
  const link = rfcLink(c.rfc);
  const subject = c.subject ?? (c.cert !== null ? certs?.[c.cert]?.subject : undefined);
  return (
    <tr className={c.pass ? 'pass' : 'fail'} data-check={c.id}>
      <td className="verdict-cell" aria-label={c.pass ? 'pass' : 'fail'}>
        {c.pass ? '✓' : '✗'}
      </td>
      <td>
        <div className="check-title">{c.title}</div>
        {subject && <div className="muted small">{subject}</div>}
        <div className="small mono">{c.compared}</div>
        <div className="small">{c.reason}</div>
      </td>
      <td className="small">
        {link ? (
          <a href={link} target="_blank" rel="noreferrer noopener">
            {c.rfc}
          </a>
        ) : (
          c.rfc
        )}
      </td>
    </tr>
  );
}

function ReportView({ report, who }: { report: Report; who: string }) {
  return (
    <section className={`card report ${report.ok ? 'report-ok' : 'report-bad'}`} data-testid="cert-report" aria-label={`${who} verification report`}>
      <h3>
        {who}: {report.ok ? '✓ valid' : '✗ rejected'}
        {report.alert && !report.ok && <span className="alert-name"> → alert {report.alert}</span>}
      </h3>
      <p className="verdict">{report.verdict}</p>
      <p className="muted small">
        Purpose {report.purpose}
        {report.host && <> · host {report.host}</>} · at {report.at}
      </p>
      <div className="certs">
        {report.certificates.map((c, i) => (
          <details key={i} className="cert" open={i === 0}>
            <summary>
              <span className="role">{c.role}</span> {c.subject}
            </summary>
            <dl className="kv small">
              <dt>Issuer</dt>
              <dd>{c.issuer}</dd>
              <dt>Valid</dt>
              <dd>
                {c.notBefore} → {c.notAfter}
              </dd>
              <dt>Key</dt>
              <dd>{c.key}</dd>
              <dt>Signature</dt>
              <dd>{c.signatureAlgorithm}</dd>
              {c.sans.length > 0 && (
                <>
                  <dt>SANs</dt>
                  <dd>{c.sans.join(', ')}</dd>
                </>
              )}
              <dt>Serial</dt>
              <dd className="mono">{c.serial}</dd>
              <dt>SHA-256</dt>
              <dd className="mono wrap">{c.sha256}</dd>
            </dl>
          </details>
        ))}
      </div>
      <table className="checks">
        <tbody>
          {[...report.checks.filter((c) => !c.pass), ...report.checks.filter((c) => c.pass)].map((c, i) => (
            <CheckRow key={i} c={c} certs={report.certificates} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

const fetched = new Map<string, Promise<string>>();
/** Fetches a same-origin text file once and keeps it (so the samples work offline after load). */
function fetchText(path: string): Promise<string> {
  let p = fetched.get(path);
  if (!p) {
    p = fetch(path).then((res) => {
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return res.text();
    });
    p.catch(() => fetched.delete(path));
    fetched.set(path, p);
  }
  return p;
}

/** A sample's chain and key, and the sample root when the sample chains to it. */
async function fetchSample(id: string, trusted: boolean): Promise<{ chain: string; key: string; root: string }> {
  const [chain, key, root] = await Promise.all([
    fetchText(`samples/${id}.pem`),
    fetchText(`samples/${id}.key`),
    trusted ? fetchText('samples/sample-root.pem') : Promise.resolve(''),
  ]);
  return { chain, key, root };
}

/** Loads the sample certificates in the background, so they are at hand even offline. */
export function prefetchSamples(): void {
  for (const s of [...SAMPLES, ...CLIENT_SAMPLES]) {
    void fetchText(`samples/${s.id}.pem`).catch(() => undefined);
    void fetchText(`samples/${s.id}.key`).catch(() => undefined);
  }
  void fetchText('samples/sample-root.pem').catch(() => undefined);
}

let mozillaRoots: Promise<string> | null = null;
/** The Mozilla root store (public/mozilla-roots.pem, built from Node's tls.rootCertificates), fetched once when first used. */
function loadMozillaRoots(): Promise<string> {
  mozillaRoots ??= fetchText('mozilla-roots.pem').catch((err) => {
    mozillaRoots = null;
    throw err;
  });
  return mozillaRoots;
}

/** What the Worker found in a paste: counts, problems, and the chain's report. */
function InspectionView(props: { insp: PemInspection; testId: string; anchors: string; who: string; peer: 'client' | 'server' }) {
  const { insp } = props;
  return (
    <div className="inspection" data-testid={props.testId}>
      <p className="small">
        Found {insp.certificates} certificate{insp.certificates === 1 ? '' : 's'}
        {insp.keys.length > 0 && (
          <>
            {' '}
            and {insp.keys.length === 1 ? 'a private key' : `${insp.keys.length} private keys`} ({insp.keys.join(', ')})
          </>
        )}
        .
      </p>
      {insp.problems.length > 0 && (
        <ul className="problems" role="alert">
          {insp.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      {insp.report && (
        <>
          <p className="small muted">
            Checked against {props.anchors} only; in a run the {props.peer} also trusts that run's demo root.
          </p>
          <ReportView report={insp.report} who={props.who} />
        </>
      )}
    </div>
  );
}

function PasteBox() {
  const paste = useAppStore((s) => s.paste);
  const scenario = useAppStore((s) => s.scenario);
  const { setPaste, setScenario } = useAppStore.getState();
  const inUse = !!scenario.pastedChainPem;

  const loadSample = async (id: string, trusted: boolean) => {
    try {
      const { chain, key, root } = await fetchSample(id, trusted);
      setPaste({ chainPem: chain, keyPem: key, trustPem: root, inspection: null, message: `Loaded the "${id}" sample.` });
    } catch (err) {
      setPaste({ message: `Could not load the sample: ${errorText(err)}` });
    }
  };

  const tooBig = () => paste.chainPem.length + paste.keyPem.length + paste.trustPem.length > MAX_PASTE;

  /** The extra anchors: the third box, plus Mozilla's roots when ticked. */
  const trust = async (): Promise<string | undefined> => {
    let pem = paste.trustPem.trim() ? paste.trustPem : '';
    if (paste.mozilla) pem += `\n${await loadMozillaRoots()}`;
    return pem.trim() ? pem : undefined;
  };

  const check = async () => {
    if (tooBig()) return setPaste({ message: `${TOO_BIG} Nothing was checked.` });
    if (!paste.chainPem.trim()) return setPaste({ message: 'Paste a certificate (PEM) first.' });
    setPaste({ busy: true, message: null });
    try {
      const result = await inspectPem({
        chainPem: paste.chainPem,
        keyPem: paste.keyPem || undefined,
        extraTrustPem: await trust(),
        host: scenario.serverName,
      });
      setPaste({ busy: false, inspection: result });
    } catch (err) {
      setPaste({ busy: false, message: `Could not check: ${errorText(err)}` });
    }
  };

  const use = async () => {
    if (tooBig()) return setPaste({ message: `${TOO_BIG} Not used.` });
    if (!paste.chainPem.trim()) return setPaste({ message: 'Paste a certificate (PEM) first.' });
    let extraTrustPem: string | undefined;
    try {
      extraTrustPem = await trust();
    } catch (err) {
      return setPaste({ message: `Could not load the Mozilla roots: ${errorText(err)}` });
    }
    const st = useAppStore.getState();
    // Show the whole new run (checks and, if it fails, the alert).
    st.setCursor(st.run.stepEnds.length);
    setScenario({
      pastedChainPem: paste.chainPem,
      pastedKeyPem: paste.keyPem.trim() ? paste.keyPem : undefined,
      extraTrustPem,
    });
    setPaste({ message: 'The server now presents the pasted chain; the client checks it in the run (report above once its Certificate arrives).' });
    // The same checks, run now on the paste itself, so they show even if the handshake stops early.
    void check();
  };

  const reset = () => {
    setScenario({ pastedChainPem: undefined, pastedKeyPem: undefined, extraTrustPem: undefined });
    setPaste({ message: 'Back to the demo PKI generated for each run.' });
  };

  const insp = paste.inspection;
  return (
    <section className="card paste" aria-label="Paste a certificate">
      <h3>Try your own certificate</h3>
      <p className="small muted">
        Paste a PEM chain (leaf first, intermediates after) and, if you have it, its private key. The next run's server presents it
        and the client checks it. Samples made with <code>openssl</code>:{' '}
        {SAMPLES.map((s) => (
          <button key={s.id} type="button" className="chip" onClick={() => void loadSample(s.id, s.trusted)}>
            {s.label}
          </button>
        ))}
      </p>
      <label className="block">
        Certificate (PEM)
        <textarea value={paste.chainPem} rows={6} spellCheck={false} onChange={(e) => setPaste({ chainPem: e.target.value })} placeholder="-----BEGIN CERTIFICATE-----" />
      </label>
      <label className="block">
        Private key (PEM, optional)
        <textarea value={paste.keyPem} rows={3} spellCheck={false} onChange={(e) => setPaste({ keyPem: e.target.value })} placeholder="-----BEGIN PRIVATE KEY-----" />
      </label>
      <label className="block">
        Extra trust anchors (PEM, optional)
        <textarea value={paste.trustPem} rows={3} spellCheck={false} onChange={(e) => setPaste({ trustPem: e.target.value })} placeholder="a root CA the client should trust besides the run's demo root" />
      </label>
      <label className="check small">
        <input type="checkbox" checked={paste.mozilla} onChange={(e) => setPaste({ mozilla: e.target.checked })} /> Also trust the Mozilla root store (for a
        real site's chain, e.g. from <code>openssl s_client -showcerts</code>)
      </label>
      <div className="row">
        <button type="button" onClick={() => void check()} disabled={paste.busy}>
          {paste.busy ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="primary" onClick={() => void use()}>
          Use in the handshake
        </button>
        {inUse && (
          <button type="button" onClick={reset}>
            Back to the demo PKI
          </button>
        )}
      </div>
      {inUse && <p className="small">The handshake currently uses a pasted chain (it is not part of the link).</p>}
      {paste.message && (
        <p className="small" role="status">
          {paste.message}
        </p>
      )}
      {insp && (
        <InspectionView
          insp={insp}
          testId="paste-inspection"
          anchors={`the extra trust anchors${paste.mozilla ? ' and the Mozilla roots' : ''}`}
          who="Pasted chain (checked as the client would)"
          peer="client"
        />
      )}
    </section>
  );
}

/** Mutual TLS: the client presents a pasted chain instead of the demo client certificate; the server checks it in the run. */
function ClientPasteBox() {
  const paste = useAppStore((s) => s.paste);
  const scenario = useAppStore((s) => s.scenario);
  const { setPaste, setScenario } = useAppStore.getState();
  const inUse = !!scenario.pastedClientChainPem;
  const tooBig = () => paste.clientChainPem.length + paste.clientKeyPem.length + paste.clientTrustPem.length > MAX_PASTE;

  const loadSample = async (id: string, trusted: boolean) => {
    try {
      const { chain, key, root } = await fetchSample(id, trusted);
      setPaste({ clientChainPem: chain, clientKeyPem: key, clientTrustPem: root, clientInspection: null, clientMessage: `Loaded the "${id}" sample.` });
    } catch (err) {
      setPaste({ clientMessage: `Could not load the sample: ${errorText(err)}` });
    }
  };

  const check = async () => {
    if (tooBig()) return setPaste({ clientMessage: `${TOO_BIG} Nothing was checked.` });
    if (!paste.clientChainPem.trim()) return setPaste({ clientMessage: 'Paste a client certificate (PEM) first.' });
    setPaste({ clientBusy: true, clientMessage: null });
    try {
      const result = await inspectPem({
        chainPem: paste.clientChainPem,
        keyPem: paste.clientKeyPem || undefined,
        extraTrustPem: paste.clientTrustPem.trim() ? paste.clientTrustPem : undefined,
        purpose: 'client',
      });
      setPaste({ clientBusy: false, clientInspection: result });
    } catch (err) {
      setPaste({ clientBusy: false, clientMessage: `Could not check: ${errorText(err)}` });
    }
  };

  const use = () => {
    if (tooBig()) return setPaste({ clientMessage: `${TOO_BIG} Not used.` });
    if (!paste.clientChainPem.trim()) return setPaste({ clientMessage: 'Paste a client certificate (PEM) first.' });
    const st = useAppStore.getState();
    st.setCursor(st.run.stepEnds.length);
    setScenario({
      pastedClientChainPem: paste.clientChainPem,
      pastedClientKeyPem: paste.clientKeyPem.trim() ? paste.clientKeyPem : undefined,
      extraClientTrustPem: paste.clientTrustPem.trim() ? paste.clientTrustPem : undefined,
    });
    setPaste({ clientMessage: "The client now presents the pasted chain; the server checks it in the run (report above once the client's Certificate arrives)." });
    void check();
  };

  const reset = () => {
    setScenario({ pastedClientChainPem: undefined, pastedClientKeyPem: undefined, extraClientTrustPem: undefined });
    setPaste({ clientMessage: 'Back to the demo client certificate generated for each run.' });
  };

  return (
    <section className="card paste" aria-label="Paste a client certificate">
      <h3>Try your own client certificate</h3>
      <p className="small muted">
        Mutual TLS: paste a PEM chain (leaf first) and its private key. The next run's client presents it when the server asks, and the
        server checks it for the clientAuth purpose. Samples made with <code>openssl</code>:{' '}
        {CLIENT_SAMPLES.map((s) => (
          <button key={s.id} type="button" className="chip" onClick={() => void loadSample(s.id, s.trusted)}>
            {s.label}
          </button>
        ))}
      </p>
      <label className="block">
        Client certificate (PEM)
        <textarea value={paste.clientChainPem} rows={6} spellCheck={false} onChange={(e) => setPaste({ clientChainPem: e.target.value })} placeholder="-----BEGIN CERTIFICATE-----" />
      </label>
      <label className="block">
        Client private key (PEM)
        <textarea value={paste.clientKeyPem} rows={3} spellCheck={false} onChange={(e) => setPaste({ clientKeyPem: e.target.value })} placeholder="-----BEGIN PRIVATE KEY-----" />
      </label>
      <label className="block">
        Client trust anchors (PEM, optional)
        <textarea value={paste.clientTrustPem} rows={3} spellCheck={false} onChange={(e) => setPaste({ clientTrustPem: e.target.value })} placeholder="a root CA the server should accept client certificates from, besides the run's demo client root" />
      </label>
      <div className="row">
        <button type="button" onClick={() => void check()} disabled={paste.clientBusy}>
          {paste.clientBusy ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="primary" onClick={use}>
          Use as the client certificate
        </button>
        {inUse && (
          <button type="button" onClick={reset}>
            Back to the demo client certificate
          </button>
        )}
      </div>
      {paste.clientMessage ? (
        <p className="small" role="status">
          {paste.clientMessage}
        </p>
      ) : (
        inUse && <p className="small">The client currently presents a pasted chain (it is not part of the link).</p>
      )}
      {paste.clientInspection && (
        <InspectionView
          insp={paste.clientInspection}
          testId="client-paste-inspection"
          anchors="the client trust anchors"
          who="Pasted client chain (checked as the server would)"
          peer="server"
        />
      )}
    </section>
  );
}

export function CertificatesPanel() {
  const run = useAppStore((s) => s.run);
  const mutual = useAppStore((s) => s.scenario.mutual);
  // Deferred: the diagram moves at once; this heavier panel follows a moment later.
  const cursor = useDeferredValue(useAppStore((s) => s.cursor));
  const count = visibleCount(run, cursor);
  const { reports, looseChecks, emptyChains, alerts } = useMemo(() => {
    const reports: CertReportEvent[] = [];
    const looseChecks: CertCheckEvent[] = [];
    const emptyChains: HandshakeEvent[] = [];
    const alerts: AlertEvent[] = [];
    for (let i = 0; i < count; i++) {
      const e = run.events[i];
      if (e?.type === 'cert-report') reports.push(e);
      if (e?.type === 'cert-check') looseChecks.push(e);
      if (e?.type === 'alert' && e.direction === 'sent') alerts.push(e);
      // A Certificate message whose certificate_list is only its 3-byte length: no chain at all.
      if (e?.type === 'handshake' && e.direction === 'received' && e.name === 'Certificate') {
        const list = e.spans.find((sp) => sp.label === 'certificate_list');
        if (list && list.end - list.start <= 3) emptyChains.push(e);
      }
    }
    return { reports, looseChecks, emptyChains, alerts };
  }, [run, count]);
  const reportedSides = new Set(reports.map((r) => r.side));
  const pending = looseChecks.filter((c) => !reportedSides.has(c.side));
  return (
    <div className="certificates" data-testid="certificates">
      {emptyChains
        .filter((e) => !reportedSides.has(e.side))
        .map((e) => {
          const alert = alerts.find((a) => a.side === e.side && a.seq > e.seq);
          const peer = e.side === 'server' ? 'client' : 'server';
          return (
            <section key={e.seq} className={`card report ${alert ? 'report-bad' : ''}`} data-testid="cert-empty" aria-label={`${e.side === 'server' ? "Server's check of the client" : "Client's check of the server"}: no certificate`}>
              <h3>
                {e.side === 'server' ? "Server's check of the client" : "Client's check of the server"}: ✗ no certificate
                {alert && <span className="alert-name"> → alert {String(alert.description)}</span>}
              </h3>
              <p className="verdict">
                The {peer}'s Certificate message carries an empty certificate_list: there is no chain to check.{' '}
                {alert
                  ? `The ${e.side} requires one, so it ends the handshake with ${String(alert.description)}.`
                  : `The handshake goes on without authenticating the ${peer}.`}
              </p>
              <p className="muted small">
                {e.side === 'server' ? 'RFC 8446 §4.4.2.4 · RFC 5246 §7.4.6' : 'RFC 8446 §4.4.2.4 · RFC 5246 §7.4.2'}
              </p>
            </section>
          );
        })}
      {reports.length === 0 && pending.length === 0 && emptyChains.length === 0 && (
        <p className="empty">No certificate has been checked yet at this step. The client checks the server's chain when its Certificate message arrives.</p>
      )}
      {/* Newest first: in mutual TLS the server's check of the client is what the step just did. */}
      {[...reports].reverse().map((r) => (
        <ReportView key={r.seq} report={r.report} who={r.side === 'client' ? "Client's check of the server" : "Server's check of the client"} />
      ))}
      {pending.length > 0 && (
        <section className="card">
          <h3>Checks so far</h3>
          <table className="checks">
            <tbody>
              {pending.map((c) => (
                <CheckRow key={c.seq} c={c.check} certs={undefined} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      <PasteBox />
      {mutual && <ClientPasteBox />}
    </div>
  );
}
