/**
 * The key schedule as the RFCs draw it. TLS 1.3 (RFC 8446 §7.1): the HKDF-Extract chain
 * Early Secret → Handshake Secret → Master Secret down the left, each Derive-Secret branch
 * (traffic secrets) to its right. TLS 1.2 (RFC 5246 §8.1, §6.3): premaster → PRF → master
 * secret → key block → keys and IVs. The whole shape comes from the run's secret events: each
 * branch sits under the secret the engine says it was derived from (`parents`), so
 * exporter_master_secret and resumption_master_secret show as two branches of master_secret. A
 * value appears only once the step that derives it has played. Each secret links to the
 * records it protects.
 */
import { useMemo } from 'react';
import { SECRET_STAGES, type SecretStage } from '@tlslab/engine/events';
import { useAppStore } from '../store';
import { useShownRun } from '../store/after-paint';
import { visibleCount, type Arrow, type SecretEvent } from '../store/derive';
import { hex, rfcLink } from '../format';
import { ExportRun } from './Export';
import { ComputeIt } from '../compute/ComputeIt';
import { secretRecipes } from '../compute/recipes';

interface SecretNode {
  name: string;
  first: SecretEvent;
  /** Event index where a side first derived it. */
  index: number;
  sides: Set<string>;
  sideIndex: Map<string, number>;
  trunk: boolean;
}

/**
 * The trunk is the chain the schedule runs along and the inputs that enter it from outside, as
 * the engine reports each secret's `position`. Everything else is a branch of its first parent
 * (exporter_master_secret is a branch of master_secret, not a link in the chain).
 */
function isTrunk(s: SecretEvent): boolean {
  return s.position !== 'branch';
}

function valueText(v: Uint8Array | string): string {
  return typeof v === 'string' ? v : hex(v);
}

function SecretCard({ node, shown, protects, step, follows }: { node: SecretNode; shown: boolean; protects: Arrow[]; step: number; follows?: boolean }) {
  const s = node.first;
  const link = rfcLink(s.rfc);
  const { select, setTab } = useAppStore.getState();
  const parents = s.parents ?? [];
  const goTo = (name: string) => {
    const el = document.querySelector<HTMLElement>(`[data-secret="${CSS.escape(name)}"]`);
    el?.scrollIntoView({ block: 'center' });
    el?.classList.add('flash');
    setTimeout(() => el?.classList.remove('flash'), 1200);
  };
  return (
    <article
      className={`secret ${shown ? 'derived' : 'pending'} ${node.trunk ? 'trunk' : 'branch'}${follows ? ' follows' : ''}`}
      data-secret={s.name}
      data-parents={parents.join(' ')}
      aria-label={s.name}
    >
      <h4>
        {s.name}
        <span className="muted small"> · {[...node.sides].join(' & ')}</span>
      </h4>
      {parents.length > 0 && (
        <div className="parents small muted">
          {'from '}
          {parents.map((p, i) => (
            <span key={p}>
              {i > 0 && ' and '}
              <button type="button" className="linkish" onClick={() => goTo(p)}>
                {p}
              </button>
            </span>
          ))}
        </div>
      )}
      <div className="formula mono">{s.formula}</div>
      {shown ? (
        <>
          <div className="value mono" data-testid="secret-value">
            {hex(s.value)}
          </div>
          {s.inputs.length > 0 && (
            <details>
              <summary>inputs</summary>
              <dl className="kv small">
                {s.inputs.map((inp, i) => (
                  <Input key={i} name={inp.name} value={valueText(inp.value)} />
                ))}
              </dl>
            </details>
          )}
          <ComputeIt recipes={secretRecipes(s)} what={s.name} />
        </>
      ) : (
        <div className="value pending-value">not derived yet (step {step})</div>
      )}
      <div className="small">
        {link && (
          <a href={link} target="_blank" rel="noreferrer noopener">
            {s.rfc}
          </a>
        )}
        {protects.length > 0 && (
          <span className="protects">
            {' · protects: '}
            {protects.map((a, i) => (
              <span key={a.id}>
                {i > 0 && ', '}
                <button
                  type="button"
                  className="linkish"
                  onClick={() => {
                    select(a.id);
                    setTab('inspector');
                  }}
                >
                  {a.label} ({a.from})
                </button>
              </span>
            ))}
          </span>
        )}
      </div>
    </article>
  );
}

function Input({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="mono">{value}</dd>
    </>
  );
}

const STAGE_TITLES: Record<SecretStage, string> = {
  early: 'Early secret (RFC 8446 §7.1)',
  handshake: 'Handshake secret and handshake traffic secrets',
  master: 'Master secret and application traffic secrets',
  traffic: 'Traffic keys and IVs (RFC 8446 §7.3)',
  tls12: 'TLS 1.2: premaster → master secret → key block (RFC 5246 §8.1, §6.3)',
};

/** Branches grouped by the secret they are derived from (the engine's first parent), in derivation order. */
function byParent(nodes: SecretNode[]): [string, SecretNode[]][] {
  const groups = new Map<string, SecretNode[]>();
  for (const n of nodes) {
    const p = n.first.parents?.[0] ?? '';
    const list = groups.get(p) ?? [];
    list.push(n);
    groups.set(p, list);
  }
  return [...groups.entries()];
}

function stepOf(stepEnds: number[], index: number): number {
  const k = stepEnds.findIndex((end) => end >= index);
  return k < 0 ? stepEnds.length : k + 1;
}

export function KeysPanel() {
  // A frame behind the diagram: a step paints its arrow first (after-paint.ts).
  const { run, cursor } = useShownRun();
  const count = visibleCount(run, cursor);

  const stages = useMemo(() => {
    const nodes = new Map<string, SecretNode>();
    run.events.forEach((e, i) => {
      if (e.type !== 'secret') return;
      const n = nodes.get(e.name);
      if (n) {
        n.sides.add(e.side);
        if (!n.sideIndex.has(e.side)) n.sideIndex.set(e.side, i);
      } else nodes.set(e.name, { name: e.name, first: e, index: i, sides: new Set([e.side]), sideIndex: new Map([[e.side, i]]), trunk: isTrunk(e) });
    });
    const byStage = new Map<SecretStage, SecretNode[]>();
    for (const n of nodes.values()) {
      const list = byStage.get(n.first.stage) ?? [];
      list.push(n);
      byStage.set(n.first.stage, list);
    }
    // The RFC's order: early → handshake → master → traffic keys (TLS 1.2's stage after).
    return [...byStage.entries()].sort((a, b) => SECRET_STAGES.indexOf(a[0]) - SECRET_STAGES.indexOf(b[0]));
  }, [run]);

  const protectedBy = useMemo(() => {
    const m = new Map<string, Arrow[]>();
    for (const a of run.arrows) {
      if (!a.keyName) continue;
      const list = m.get(a.keyName) ?? [];
      list.push(a);
      m.set(a.keyName, list);
    }
    return m;
  }, [run]);

  if (stages.length === 0) return <p className="empty">No secrets in this run yet.</p>;
  const derivedCount = stages.flatMap(([, ns]) => ns).filter((n) => n.index < count).length;
  const total = stages.reduce((k, [, ns]) => k + ns.length, 0);
  return (
    <div className="keys" data-testid="keys">
      <p className="muted">
        {derivedCount} of {total} secrets derived so far. The trunk (left) is the chain of extracted secrets; branches (right) are the secrets and keys expanded from it. Values
        appear when the step that derives them plays.
      </p>
      <ExportRun />
      {stages.map(([stage, nodes]) => {
        const trunk = nodes.filter((n) => n.trunk);
        const branches = nodes.filter((n) => !n.trunk);
        return (
          <section className="stage" key={stage} aria-label={`${stage} stage`}>
            <h3 className="stage-name">{STAGE_TITLES[stage]}</h3>
            <div className="stage-grid">
              <div className="trunk-col">
                {trunk.map((n, i) => (
                  <SecretCard
                    key={n.name}
                    node={n}
                    follows={i > 0 && (n.first.parents ?? []).includes(trunk[i - 1]!.name)}
                    shown={n.index < count}
                    step={stepOf(run.stepEnds, n.index)}
                    protects={protectedBy.get(n.name)?.filter((a) => a.step <= cursor) ?? []}
                  />
                ))}
              </div>
              <div className="branch-col">
                {byParent(branches).map(([parent, group]) => (
                  <div className="branch-group" key={parent} data-parent={parent}>
                    {parent && <div className="branch-from small muted">branches of {parent}</div>}
                    {group.map((n) => (
                      <SecretCard
                        key={n.name}
                        node={n}
                        shown={n.index < count}
                        step={stepOf(run.stepEnds, n.index)}
                        protects={protectedBy.get(n.name)?.filter((a) => a.step <= cursor) ?? []}
                      />
                    ))}
                  </div>
                ))}
              </div>
            </div>
          </section>
        );
      })}
    </div>
  );
}
