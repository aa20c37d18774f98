/**
 * The diagram's vertical axis: Off (one row per record) or time at a round-trip time (kept in
 * the link as `rtt=`). Unavailable, with the reason, where the model of timeline() does not
 * describe the run.
 */
import { useAppStore } from '../store';
import { RTT_CHOICES } from '../store/options';

export function TimeAxisControl({ unavailable }: { unavailable: string | null }) {
  const timeAxis = useAppStore((s) => s.timeAxis);
  const setTimeAxis = useAppStore((s) => s.setTimeAxis);
  return (
    <label
      className="time-axis-control small"
      title={
        unavailable ?? 'Off: one row per record. An RTT: the records laid out in time (each takes half a round trip to cross; a side sends as soon as it has read what it needs)'
      }
    >
      Time axis{' '}
      <select
        value={unavailable ? 'off' : (timeAxis ?? 'off')}
        disabled={unavailable !== null}
        onChange={(e) => setTimeAxis(RTT_CHOICES.find((r) => String(r) === e.target.value) ?? null)}
      >
        <option value="off">Off</option>
        {RTT_CHOICES.map((r) => (
          <option key={r} value={r}>
            {r} ms RTT
          </option>
        ))}
      </select>
    </label>
  );
}
