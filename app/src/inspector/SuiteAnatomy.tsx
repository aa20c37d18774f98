/**
 * The negotiated cipher suite taken apart (shown with the ServerHello that chose it): what
 * each part of the name means, where TLS 1.3's key exchange and authentication went, the
 * client's list with the chosen suite marked, and how this server chose.
 */
import { useMemo } from 'react';
import type { Arrow, HandshakeEvent, RunView } from '../store/derive';
import { negotiated } from '../store/derive';
import { suiteAnatomy, WHY_13_IS_SHORT } from './suite';

const suiteName = (v: unknown) => String(v ?? '').replace(/\s*\(0x[0-9a-f]+\)$/i, '');

export function SuiteAnatomy({ run, arrow, serverHello }: { run: RunView; arrow: Arrow; serverHello: HandshakeEvent }) {
  const chosen = suiteName(serverHello.spans.find((s) => s.label === 'cipher_suite')?.value);
  // The ClientHello this ServerHello answers: the client's last one before this arrow.
  const offered = useMemo(() => {
    const hellos = run.events.filter(
      (e): e is HandshakeEvent =>
        e.type === 'handshake' && e.direction === 'sent' && e.side === 'client' && e.name === 'ClientHello' && run.arrows.find((a) => a.id === e.recordId)!.index < arrow.index,
    );
    const ch = hellos[hellos.length - 1];
    return ch ? ch.spans.filter((s) => s.label === 'CipherSuite').map((s) => suiteName(s.value)) : [];
  }, [run, arrow]);
  const params = useMemo(() => negotiated(run.events, run.events.length).client ?? negotiated(run.events, run.events.length).server, [run]);
  const a = suiteAnatomy(chosen);
  if (!chosen) return null;
  const position = offered.indexOf(chosen);
  return (
    <section className="card suite-anatomy" data-testid="suite-anatomy" aria-label="Cipher suite anatomy">
      <h3>
        Cipher suite: <code>{chosen}</code>
      </h3>
      {a ? (
        <table className="anatomy">
          <tbody>
            {a.parts.map((p) => (
              <tr key={p.role} data-role={p.role}>
                <th scope="row">{p.role}</th>
                <td>
                  <code>{p.token}</code>
                </td>
                <td>{p.means}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="small">This name is not of the TLS 1.2 or TLS 1.3 form, so it is not taken apart here.</p>
      )}
      {a?.version === 'TLS 1.3' && (
        <>
          <p className="small">
            <strong>Where are key exchange and authentication?</strong> {WHY_13_IS_SHORT}
          </p>
          <p className="small" data-testid="suite-13-here">
            In this run: key exchange{' '}
            {params?.resumed
              ? `PSK (resumed)${params.group ? ` + ${params.group} (EC)DHE` : ''}`
              : `${params?.keyExchange ?? 'ECDHE'} on ${params?.group ?? 'the chosen group'} (key_share)`}
            {params?.signatureScheme
              ? `; authentication by a ${params.signatureScheme} signature (signature_algorithms, CertificateVerify)`
              : params?.resumed
                ? '; authentication by the resumed session’s PSK (no certificate)'
                : ''}
            .
          </p>
        </>
      )}
      {offered.length > 0 && (
        <>
          <p className="small">
            The client offered {offered.length} suite{offered.length === 1 ? '' : 's'}, its favourite first
            {position >= 0 ? `; the server took number ${position + 1}` : ''}. This server goes through its own list in order of preference and takes the first suite the client
            also offers{a?.version === 'TLS 1.2' ? ' and that fits its certificate’s key' : ''} (RFC 8446 §4.1.3 and RFC 5246 §7.4.1.3 leave the choice to the server).
          </p>
          <ol className="offered small">
            {offered.map((s) => (
              <li key={s} className={s === chosen ? 'chosen' : undefined} aria-current={s === chosen ? 'true' : undefined}>
                <code>{s}</code>
                {s === chosen && ' ← chosen'}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
