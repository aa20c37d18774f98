/**
 * Certificates: the verification reports of this run (the client's checks of the server chain
 * and, in mutual TLS, the server's checks of the client chain), checks grouped by certificate,
 * each pass/fail with its reason and RFC section; the policy that judged them, with a selector
 * that flips it and marks every check whose outcome the other policy would change; and a paste
 * box (chain, key, trust anchors, CRLs) whose chain the next run's server presents.
 * Parsing and verification run in the Worker, never on the main thread.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useAppStore } from '../store';
import { useShownRun } from '../store/after-paint';
import { visibleCount, type AlertEvent, type CertCheckEvent, type CertReportEvent, type HandshakeEvent } from '../store/derive';
import { rfcLink } from '../format';
import { inspectPem, verifyInWorker } from '../engine-client';
import type { PemInspection } from '@tlslab/engine/worker';
import type { TlsEvent } from '@tlslab/engine';
import { comparePolicies, type PolicyDiff } from './compare';

type Report = CertReportEvent['report'];
type Check = CertCheckEvent['check'];
type Policy = 'webpki' | 'rfc5280';
/** The other policy's report of the same chain: pending, failed (null), or there. */
type Comparison = { policy: Policy; report: Report } | 'pending' | null;

const otherPolicy = (p: Policy): Policy => (p === 'webpki' ? 'rfc5280' : 'webpki');
const POLICY_TEXT: Record<Policy, string> = {
  webpki: 'RFC 5280 plus what browsers and the CA/Browser Forum Baseline Requirements enforce',
  rfc5280: 'RFC 5280 alone, as for a private PKI or mutual TLS inside a company',
};

/** Largest paste accepted (the Worker would cope, but nobody pastes a megabyte of PEM on purpose). */
const MAX_PASTE = 1_000_000;
const TOO_BIG = 'That paste is over 1 MB; a certificate chain is a few kilobytes.';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** `root`: the sample's own root (default sample-root); `crl`: a CRL that comes with it. */
const SAMPLES: { id: string; label: string; trusted: boolean; root?: string; crl?: string }[] = [
  { id: 'valid', label: 'Valid', trusted: true },
  { id: 'expired', label: 'Expired', trusted: true },
  { id: 'wrong-host', label: 'Wrong host', trusted: true },
  { id: 'self-signed', label: 'Self-signed', trusted: false },
  { id: 'revoked', label: 'Revoked (with its CRL)', trusted: true, root: 'revoked-root', crl: 'revoked' },
];

/** Mutual TLS samples: client certificates (clientAuth) made by the same openssl script. */
const CLIENT_SAMPLES: { id: string; label: string; trusted: boolean }[] = [
  { id: 'client-valid', label: 'Valid client', trusted: true },
  { id: 'client-expired', label: 'Expired client', trusted: true },
  { id: 'client-self-signed', label: 'Self-signed client', trusted: false },
];

/** How the other policy judges this check: `undefined` the same, `null` it has no such check. */
type OtherOutcome = { policy: Policy; mine: Policy; check: Check | null | undefined };

/** One check; `certs` absent: a loose check outside a report, which names its certificate itself. */
function CheckRow({ c, certs, other }: { c: Check; certs: Report['certificates'] | undefined; other?: OtherOutcome | undefined }) {
  const link = rfcLink(c.rfc);
  // In a report the check sits under its certificate's heading; a loose check names it.
  const subject = certs ? undefined : c.subject;
  const differs = other !== undefined && other.check !== undefined;
  return (
    <tr className={`${c.pass ? 'pass' : 'fail'}${differs ? ' differs' : ''}`} data-check={c.id} data-differs={differs ? 'true' : undefined}>
      <td className="verdict-cell" aria-label={c.pass ? 'pass' : 'fail'}>
        {c.pass ? '✓' : '✗'}
      </td>
      <td>
        <div className="check-title">
          {c.title}
          {other?.check && (
            <span className="policy-flip" title={`Under ${other.policy}: ${other.check.reason}`}>
              ⇄ under {other.policy}: {other.check.pass ? '✓ passes' : '✗ fails'}
            </span>
          )}
          {other?.check === null && <span className="policy-flip">⇄ only under {other.mine}</span>}
        </div>
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

/** Which policy judged the report, and what the other policy says of the same chain. */
function PolicyLine({ report, asked, comparison, diff }: { report: Report; asked: Policy; comparison: Comparison | undefined; diff: PolicyDiff | null }) {
  const there = comparison && comparison !== 'pending' ? comparison : null;
  const flips = diff ? diff.differs.filter((d) => d).length : 0;
  const onlyHere = diff ? diff.differs.filter((d) => d === null).length : 0;
  const plural = (n: number, one: string, many: string) => `${n} check${n === 1 ? '' : 's'} ${n === 1 ? one : many}`;
  const parts = [
    ...(flips ? [plural(flips, 'changes its outcome', 'change their outcome')] : []),
    ...(onlyHere ? [plural(onlyHere, `is made only under ${report.policy ?? asked}`, `are made only under ${report.policy ?? asked}`)] : []),
  ];
  return (
    <div className="policy-line small">
      <p data-testid="report-policy">
        {report.policy ? (
          <>
            Judged under the <b>{report.policy}</b> policy ({POLICY_TEXT[report.policy]}).
          </>
        ) : (
          <>
            Policy asked for: <b>{asked}</b>. This report does not name the policy that judged it.
          </>
        )}
      </p>
      {comparison !== undefined && (
        <p data-testid="policy-compare" className={diff?.verdictChanges ? 'policy-changes' : undefined}>
          {comparison === 'pending' && <>Checking the same chain under {otherPolicy(report.policy ?? asked)}…</>}
          {comparison === null && <>The same chain could not be checked under {otherPolicy(report.policy ?? asked)}.</>}
          {there && diff && (
            <>
              Under <b>{there.policy}</b> the same chain {there.report.ok ? 'passes' : 'fails'}: {diff.verdictChanges ? <b>the verdict changes</b> : 'the same verdict'};{' '}
              {parts.length === 0 && diff.onlyThere.length === 0 ? 'no check changes its outcome.' : parts.length > 0 ? `${parts.join(', ')} (marked ⇄)` : ''}
              {diff.onlyThere.length > 0 && (
                <>
                  {parts.length > 0 ? '; ' : ''}
                  {there.policy} adds {diff.onlyThere.map((c) => `${c.pass ? '✓' : '✗'} ${c.title}`).join(', ')}
                </>
              )}
              {(parts.length > 0 || diff.onlyThere.length > 0) && '.'}
            </>
          )}
        </p>
      )}
    </div>
  );
}

function CertDetails({ c, open }: { c: Report['certificates'][number]; open: boolean }) {
  return (
    <details className="cert" open={open}>
      <summary>Certificate details</summary>
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
  );
}

/**
 * A verification report: the verdict, the policy line, then one group per certificate (and one
 * for whole-chain checks), failed checks first. With `comparison`, every check whose outcome the
 * other policy changes is marked.
 */
function ReportView({ report, who, asked, comparison }: { report: Report; who: string; asked: Policy; comparison?: Comparison }) {
  const there = comparison && comparison !== 'pending' ? comparison : null;
  const diff = there ? comparePolicies(report, there.report) : null;
  const indexed = report.checks.map((c, i) => ({ c, i }));
  const groups: (number | null)[] = [null, ...report.certificates.map((_, i) => i)];
  const other = (i: number): OtherOutcome | undefined => (there && diff ? { policy: there.policy, mine: report.policy ?? asked, check: diff.differs[i] } : undefined);
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
      <PolicyLine report={report} asked={asked} comparison={comparison} diff={diff} />
      {groups.map((g) => {
        const mine = indexed.filter(({ c }) => c.cert === g);
        if (g === null && mine.length === 0) return null;
        const cert = g === null ? undefined : report.certificates[g];
        const failed = mine.filter(({ c }) => !c.pass).length;
        return (
          <section key={g ?? 'chain'} className="cert-group" data-testid="cert-group" data-cert={g ?? 'chain'} aria-label={cert ? `${cert.role}: ${cert.subject}` : 'Whole chain'}>
            <h4>
              {cert ? (
                <>
                  <span className="role">{cert.role}</span> {cert.subject}
                </>
              ) : (
                'Whole chain'
              )}{' '}
              <span className={failed ? 'group-bad' : 'group-ok'}>
                {mine.length === 0 ? '· not in the path: no checks' : failed ? `· ✗ ${failed} of ${mine.length} checks fail` : `· ✓ ${mine.length} checks pass`}
              </span>
            </h4>
            {cert && <CertDetails c={cert} open={false} />}
            {mine.length > 0 && (
              <table className="checks">
                <tbody>
                  {[...mine.filter(({ c }) => !c.pass), ...mine.filter(({ c }) => c.pass)].map(({ c, i }) => (
                    <CheckRow key={i} c={c} certs={report.certificates} other={other(i)} />
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </section>
  );
}

/**
 * A run's report judged again under the other policy, in the Worker: the same certificates
 * (its trust anchor as the only anchor), time, host, purpose, key exchange, CRLs and e-mail.
 */
function useRunComparison(report: Report, asked: Policy, keyExchange: 'rsa' | 'ecdhe' | undefined, crlPem: string | undefined, email: string | undefined): Comparison {
  const [state, setState] = useState<Comparison>('pending');
  useEffect(() => {
    let live = true;
    setState('pending');
    const certs = report.certificates;
    const leafAnchored = report.checks.some((c) => c.id === 'trust-anchor' && c.pass && c.cert === 0);
    const anchors = certs.filter((c, i) => c.role === 'anchor' || (i === 0 && leafAnchored)).map((c) => c.der);
    const chain = certs.filter((c) => c.role !== 'anchor').map((c) => c.der);
    const other = otherPolicy(report.policy ?? asked);
    void verifyInWorker({
      chain,
      anchors,
      at: report.at,
      purpose: report.purpose,
      policy: other,
      ...(report.host !== undefined ? { host: report.host } : {}),
      ...(keyExchange ? { keyExchange } : {}),
      ...(crlPem ? { crlPem } : {}),
      ...(email ? { email } : {}),
    }).then((r) => {
      if (live) setState(r ? { policy: other, report: r } : null);
    });
    return () => {
      live = false;
    };
  }, [report, asked, keyExchange, crlPem, email]);
  return state;
}

/** A report of this run, with the other policy's view of the same chain. */
function RunReportView({ ev, events }: { ev: CertReportEvent; events: TlsEvent[] }) {
  const scenario = useAppStore((s) => s.scenario);
  const asked: Policy = scenario.policy ?? 'webpki';
  // The client checked the server chain for the negotiated key exchange (TLS 1.2 RSA: keyEncipherment).
  const keyExchange =
    ev.side === 'client' ? (events.some((e) => e.type === 'negotiated' && e.side === 'client' && e.keyExchange === 'RSA') ? ('rsa' as const) : ('ecdhe' as const)) : undefined;
  const comparison = useRunComparison(ev.report, asked, keyExchange, ev.side === 'client' ? scenario.crlPem : undefined, ev.side === 'server' ? scenario.clientEmail : undefined);
  return <ReportView report={ev.report} who={ev.side === 'client' ? "Client's check of the server" : "Server's check of the client"} asked={asked} comparison={comparison} />;
}

/** The policy selector: flipping it runs the handshake again and re-checks the pastes. */
function PolicyBar() {
  const policy: Policy = useAppStore((s) => s.scenario.policy) ?? 'webpki';
  const { setScenario } = useAppStore.getState();
  return (
    <section className="card policy-bar" aria-label="Verification policy">
      <fieldset className="segmented">
        <legend className="small">Verification policy</legend>
        {(['webpki', 'rfc5280'] as const).map((p) => (
          <label key={p} className={policy === p ? 'seg active' : 'seg'}>
            <input type="radio" name="policy" value={p} checked={policy === p} onChange={() => setScenario({ policy: p })} />
            {p}
          </label>
        ))}
      </fieldset>
      <p className="small muted">
        {policy}: {POLICY_TEXT[policy]}. Changing it runs the handshake again; each report also shows how {otherPolicy(policy)} judges the same chain and marks the checks whose
        outcome it changes.
      </p>
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

/** A sample's chain and key, its root when the sample chains to one, and its CRL if it has one. */
async function fetchSample(id: string, trusted: boolean, rootId = 'sample-root', crlId?: string): Promise<{ chain: string; key: string; root: string; crl: string }> {
  const [chain, key, root, crl] = await Promise.all([
    fetchText(`samples/${id}.pem`),
    fetchText(`samples/${id}.key`),
    trusted ? fetchText(`samples/${rootId}.pem`) : Promise.resolve(''),
    crlId ? fetchText(`samples/${crlId}.crl`) : Promise.resolve(''),
  ]);
  return { chain, key, root, crl };
}

/** Loads the sample certificates in the background, so they are at hand even offline. */
export function prefetchSamples(): void {
  const paths = [
    ...[...SAMPLES, ...CLIENT_SAMPLES].flatMap((s) => [`samples/${s.id}.pem`, `samples/${s.id}.key`]),
    ...SAMPLES.flatMap((s) => [...(s.root ? [`samples/${s.root}.pem`] : []), ...(s.crl ? [`samples/${s.crl}.crl`] : [])]),
    'samples/sample-root.pem',
  ];
  // One at a time, each when the page is idle: started all at once they were a 6 ms task (and
  // two dozen responses) landing in the middle of whatever the person was stepping through.
  const idle = window.requestIdleCallback ?? ((cb: () => void) => window.setTimeout(cb, 50));
  const next = () => {
    const path = paths.shift();
    if (path)
      void fetchText(path).then(
        () => idle(next),
        () => idle(next),
      );
  };
  idle(next);
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
function InspectionView(props: { insp: PemInspection; testId: string; anchors: string; who: string; peer: 'client' | 'server'; asked: Policy }) {
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
        {insp.crls !== undefined && <> and {insp.crls === 1 ? 'a CRL' : `${insp.crls} CRLs`}</>}.
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
          <ReportView report={insp.report} who={props.who} asked={props.asked} comparison={insp.comparison ?? null} />
        </>
      )}
    </div>
  );
}

/** Calls `onChange(policy)` when the policy changes (not on mount), with the latest closure. */
function useOnPolicyChange(policy: Policy | undefined, onChange: (p: Policy | undefined) => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  const shown = useRef(policy);
  useEffect(() => {
    if (shown.current === policy) return;
    shown.current = policy;
    latest.current(policy);
  }, [policy]);
}

function PasteBox() {
  const paste = useAppStore((s) => s.paste);
  const scenario = useAppStore((s) => s.scenario);
  const { setPaste, setScenario } = useAppStore.getState();
  const inUse = !!scenario.pastedChainPem;
  const policy: Policy | undefined = scenario.policy;

  const loadSample = async (s: (typeof SAMPLES)[number]) => {
    try {
      const { chain, key, root, crl } = await fetchSample(s.id, s.trusted, s.root, s.crl);
      setPaste({ chainPem: chain, keyPem: key, trustPem: root, crlPem: crl, inspection: null, message: `Loaded the "${s.id}" sample.` });
    } catch (err) {
      setPaste({ message: `Could not load the sample: ${errorText(err)}` });
    }
  };

  const tooBig = () => paste.chainPem.length + paste.keyPem.length + paste.trustPem.length + paste.crlPem.length > MAX_PASTE;

  /** The extra anchors: the third box, plus Mozilla's roots when ticked. */
  const trust = async (): Promise<string | undefined> => {
    let pem = paste.trustPem.trim() ? paste.trustPem : '';
    if (paste.mozilla) pem += `\n${await loadMozillaRoots()}`;
    return pem.trim() ? pem : undefined;
  };

  const check = async (asked: Policy | undefined = policy) => {
    if (tooBig()) return setPaste({ message: `${TOO_BIG} Nothing was checked.` });
    if (!paste.chainPem.trim()) return setPaste({ message: 'Paste a certificate (PEM) first.' });
    setPaste({ busy: true, message: null });
    try {
      const result = await inspectPem({
        chainPem: paste.chainPem,
        keyPem: paste.keyPem || undefined,
        extraTrustPem: await trust(),
        host: scenario.serverName,
        policy: asked,
        crlPem: paste.crlPem.trim() ? paste.crlPem : undefined,
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
      crlPem: paste.crlPem.trim() ? paste.crlPem : undefined,
    });
    setPaste({ message: 'The server now presents the pasted chain; the client checks it in the run (report above once its Certificate arrives).' });
    // The same checks, run now on the paste itself, so they show even if the handshake stops early.
    void check();
  };

  // A policy flip re-checks a paste already checked (the run itself re-runs by the scenario change).
  useOnPolicyChange(policy, (p) => {
    if (paste.inspection) void check(p);
  });

  const reset = () => {
    setScenario({ pastedChainPem: undefined, pastedKeyPem: undefined, extraTrustPem: undefined, crlPem: undefined });
    setPaste({ message: 'Back to the demo PKI generated for each run.' });
  };

  const insp = paste.inspection;
  return (
    <section className="card paste" aria-label="Paste a certificate">
      <h3>Try your own certificate</h3>
      <p className="small muted">
        Paste a PEM chain (leaf first, intermediates after) and, if you have it, its private key. The next run's server presents it and the client checks it. Samples made with{' '}
        <code>openssl</code>:{' '}
        {SAMPLES.map((s) => (
          <button key={s.id} type="button" className="chip" onClick={() => void loadSample(s)}>
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
        <textarea
          value={paste.trustPem}
          rows={3}
          spellCheck={false}
          onChange={(e) => setPaste({ trustPem: e.target.value })}
          placeholder="a root CA the client should trust besides the run's demo root"
        />
      </label>
      <label className="block">
        CRLs (PEM, optional)
        <textarea
          value={paste.crlPem}
          rows={3}
          spellCheck={false}
          onChange={(e) => setPaste({ crlPem: e.target.value })}
          placeholder="-----BEGIN X509 CRL----- (openssl crl, openssl ca -gencrl): the client checks the server's chain against them"
        />
      </label>
      <label className="check small">
        <input type="checkbox" checked={paste.mozilla} onChange={(e) => setPaste({ mozilla: e.target.checked })} /> Also trust the Mozilla root store (for a real site's chain, e.g.
        from <code>openssl s_client -showcerts</code>)
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
          asked={policy ?? 'webpki'}
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
  const policy: Policy | undefined = scenario.policy;
  const tooBig = () => paste.clientChainPem.length + paste.clientKeyPem.length + paste.clientTrustPem.length > MAX_PASTE;

  const loadSample = async (id: string, trusted: boolean) => {
    try {
      const { chain, key, root } = await fetchSample(id, trusted);
      setPaste({ clientChainPem: chain, clientKeyPem: key, clientTrustPem: root, clientInspection: null, clientMessage: `Loaded the "${id}" sample.` });
    } catch (err) {
      setPaste({ clientMessage: `Could not load the sample: ${errorText(err)}` });
    }
  };

  const check = async (asked: Policy | undefined = policy) => {
    if (tooBig()) return setPaste({ clientMessage: `${TOO_BIG} Nothing was checked.` });
    if (!paste.clientChainPem.trim()) return setPaste({ clientMessage: 'Paste a client certificate (PEM) first.' });
    setPaste({ clientBusy: true, clientMessage: null });
    try {
      const result = await inspectPem({
        chainPem: paste.clientChainPem,
        keyPem: paste.clientKeyPem || undefined,
        extraTrustPem: paste.clientTrustPem.trim() ? paste.clientTrustPem : undefined,
        purpose: 'client',
        policy: asked,
        email: paste.clientEmail.trim() || undefined,
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
      clientEmail: paste.clientEmail.trim() || undefined,
    });
    setPaste({ clientMessage: "The client now presents the pasted chain; the server checks it in the run (report above once the client's Certificate arrives)." });
    void check();
  };

  useOnPolicyChange(policy, (p) => {
    if (paste.clientInspection) void check(p);
  });

  const reset = () => {
    setScenario({ pastedClientChainPem: undefined, pastedClientKeyPem: undefined, extraClientTrustPem: undefined, clientEmail: undefined });
    setPaste({ clientMessage: 'Back to the demo client certificate generated for each run.' });
  };

  return (
    <section className="card paste" aria-label="Paste a client certificate">
      <h3>Try your own client certificate</h3>
      <p className="small muted">
        Mutual TLS: paste a PEM chain (leaf first) and its private key. The next run's client presents it when the server asks, and the server checks it for the clientAuth purpose.
        Samples made with <code>openssl</code>:{' '}
        {CLIENT_SAMPLES.map((s) => (
          <button key={s.id} type="button" className="chip" onClick={() => void loadSample(s.id, s.trusted)}>
            {s.label}
          </button>
        ))}
      </p>
      <label className="block">
        Client certificate (PEM)
        <textarea
          value={paste.clientChainPem}
          rows={6}
          spellCheck={false}
          onChange={(e) => setPaste({ clientChainPem: e.target.value })}
          placeholder="-----BEGIN CERTIFICATE-----"
        />
      </label>
      <label className="block">
        Client private key (PEM)
        <textarea value={paste.clientKeyPem} rows={3} spellCheck={false} onChange={(e) => setPaste({ clientKeyPem: e.target.value })} placeholder="-----BEGIN PRIVATE KEY-----" />
      </label>
      <label className="block">
        Client trust anchors (PEM, optional)
        <textarea
          value={paste.clientTrustPem}
          rows={3}
          spellCheck={false}
          onChange={(e) => setPaste({ clientTrustPem: e.target.value })}
          placeholder="a root CA the server should accept client certificates from, besides the run's demo client root"
        />
      </label>
      <label className="block">
        Expected e-mail address (optional)
        <input
          type="email"
          value={paste.clientEmail}
          spellCheck={false}
          onChange={(e) => setPaste({ clientEmail: e.target.value })}
          placeholder="alice@tlslab.test: the server requires it as an rfc822Name of the client certificate"
        />
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
          asked={policy ?? 'webpki'}
        />
      )}
    </section>
  );
}

export function CertificatesPanel() {
  const mutual = useAppStore((s) => s.scenario.mutual);
  // A frame behind the diagram: a step paints its arrow first (after-paint.ts).
  const { run, cursor } = useShownRun();
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
      <PolicyBar />
      {emptyChains
        .filter((e) => !reportedSides.has(e.side))
        .map((e) => {
          const alert = alerts.find((a) => a.side === e.side && a.seq > e.seq);
          const peer = e.side === 'server' ? 'client' : 'server';
          return (
            <section
              key={e.seq}
              className={`card report ${alert ? 'report-bad' : ''}`}
              data-testid="cert-empty"
              aria-label={`${e.side === 'server' ? "Server's check of the client" : "Client's check of the server"}: no certificate`}
            >
              <h3>
                {e.side === 'server' ? "Server's check of the client" : "Client's check of the server"}: ✗ no certificate
                {alert && <span className="alert-name"> → alert {String(alert.description)}</span>}
              </h3>
              <p className="verdict">
                The {peer}'s Certificate message carries an empty certificate_list: there is no chain to check.{' '}
                {alert ? `The ${e.side} requires one, so it ends the handshake with ${String(alert.description)}.` : `The handshake goes on without authenticating the ${peer}.`}
              </p>
              <p className="muted small">{e.side === 'server' ? 'RFC 8446 §4.4.2.4 · RFC 5246 §7.4.6' : 'RFC 8446 §4.4.2.4 · RFC 5246 §7.4.2'}</p>
            </section>
          );
        })}
      {reports.length === 0 && pending.length === 0 && emptyChains.length === 0 && (
        <p className="empty">No certificate has been checked yet at this step. The client checks the server's chain when its Certificate message arrives.</p>
      )}
      {/* Newest first: in mutual TLS the server's check of the client is what the step just did. */}
      {[...reports].reverse().map((r) => (
        <RunReportView key={r.seq} ev={r} events={run.events} />
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
