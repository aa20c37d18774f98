/**
 * Certificates as bytes: each certificate of a Certificate message as its DER in hex beside the
 * ASN.1 tree (tbsCertificate, issuer, validity, subjectPublicKeyInfo, extensions, signature),
 * each part explained and linked to the receiver's checks that used it.
 */
import { useMemo, useState } from 'react';
import { equalBytes } from '@tlslab/engine/hex';
import type { Arrow, ByteSpan, CertReportEvent, RunView } from '../store/derive';
import { HexView } from './HexView';
import { FieldTree } from './FieldTree';
import { certificateSpans } from './asn1';
import { explainCertField } from './explain-x509';
import type { SpanExplainer } from './FieldExplain';

interface Props {
  run: RunView;
  arrow: Arrow;
  /** The buffer the Certificate message is in (the decrypted plaintext in TLS 1.3) and its spans. */
  bytes: Uint8Array;
  spans: readonly ByteSpan[];
}

export function CertificateBytes({ run, arrow, bytes, spans }: Props) {
  // Each certificate: its cert_data (TLS 1.3) or ASN.1Cert (TLS 1.2), a 3-byte length and the DER.
  const certs = useMemo(() => spans.filter((s) => s.label === 'cert_data' || s.label === 'ASN.1Cert').map((s) => bytes.subarray(s.start + 3, s.end)), [bytes, spans]);
  const [pick, setPick] = useState(0);
  const der = certs[Math.min(pick, certs.length - 1)];
  const parsed = useMemo(() => (der ? certificateSpans(der) : undefined), [der]);
  // The receiver's report on this chain, and its index for this certificate.
  const checks = useMemo(() => {
    const report = run.events.find((e): e is CertReportEvent => e.type === 'cert-report' && e.side === arrow.to)?.report;
    if (!report || !der) return [];
    const k = report.certificates.findIndex((c) => equalBytes(c.der, der));
    return k < 0 ? [] : report.checks.filter((c) => c.cert === k);
  }, [run, arrow, der]);
  const explain = useMemo<SpanExplainer>(() => (s) => explainCertField(s.label, s.value === undefined ? undefined : String(s.value), checks), [checks]);
  if (!der || !parsed) return null;
  return (
    <section className="card" data-testid="certificate-bytes">
      <h3>Certificates as bytes (ASN.1 DER)</h3>
      {certs.length > 1 && (
        <div className="cert-pick" role="group" aria-label="Which certificate">
          {certs.map((_, i) => (
            <button key={i} type="button" aria-pressed={i === pick} className={i === pick ? 'seg active' : 'seg'} onClick={() => setPick(i)}>
              {i === 0 ? 'end-entity' : `chain[${i}]`}
            </button>
          ))}
        </div>
      )}
      {parsed.problem && <p className="small bad">{parsed.problem}</p>}
      <p className="small muted">
        {der.length} bytes of DER{checks.length > 0 ? ` · the ${arrow.to} ran ${checks.length} checks on this certificate; point at a part to see which used it` : ''}.
      </p>
      <div className="hex-and-tree">
        <HexView key={`${arrow.id}-cert-${pick}`} bytes={der} spans={parsed.spans} space="certificate" label="Certificate DER bytes" />
        <FieldTree spans={parsed.spans} space="certificate" label="Certificate ASN.1 fields" explain={explain} />
      </div>
    </section>
  );
}
