/** Time to first byte from real runs: 1.2 full, 1.3 full, 1.3 resumed, 1.3 with 0-RTT data. */
import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import { buildRunView } from '../store/derive';
import { timeline } from './model';

function tl(patch: Partial<Scenario>) {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'timing', ...patch }, (e) => events.push(e));
  return timeline(buildRunView(events));
}

describe('timeline', () => {
  it('TLS 1.2 sends the request after 2 round trips, TLS 1.3 after 1, 0-RTT data with the ClientHello', () => {
    const t12 = tl({ version: 'TLS 1.2' });
    const t13 = tl({});
    const res = tl({ resumption: true });
    const zero = tl({ resumption: true, earlyData: true });
    expect([t12.requestSent, t13.requestSent, res.requestSent, zero.requestSent]).toEqual([2, 1, 1, 0]);
    // The response needs the request to arrive and come back.
    expect(t12.firstByte).toBe(3);
    expect(t13.firstByte).toBe(2);
    expect(res.firstByte).toBe(2);
    // The server answers the early request in its first flight (0.5-RTT data): the response
    // arrives one round trip after the ClientHello left, a round trip before a resumed one's.
    expect(zero.firstByte).toBe(1);
  });

  it('every record arrives half a round trip after it leaves; a side never sends before it read', () => {
    for (const patch of [{}, { helloRetry: true }, { version: 'TLS 1.2' as const, mutual: true }, { fault: 'bad-signature' as const }]) {
      const t = tl(patch);
      let last = { client: 0, server: 0 };
      for (const a of t.arrows) {
        expect(a.arrive - a.depart).toBe(0.5);
        expect(a.depart).toBeGreaterThanOrEqual(last[a.arrow.from]);
        last = { ...last, [a.arrow.from]: a.depart };
      }
    }
    // HelloRetryRequest costs one more round trip.
    expect(tl({ helloRetry: true }).requestSent).toBe(2);
    // A handshake that fails has no first byte.
    expect(tl({ fault: 'bad-signature' }).firstByte).toBeUndefined();
  });
});
