/**
 * Take the run to Wireshark: the whole run as a pcapng capture with its key log embedded (it
 * opens decrypted), or the key log alone (NSS SSLKEYLOGFILE format). Built on the main thread
 * from the run's events: framing and text only, no crypto.
 */
import { keyLogText } from '@tlslab/engine/keylog';
import { runToPcapng } from '@tlslab/engine/pcap';
import { useAppStore } from '../store';
import { scenarioFileName } from '../store/url';
import { download } from '../diagram/export';

/** Saves `data` as a file (through the diagram export's one download helper). */
function save(name: string, data: Uint8Array | string, type: string): void {
  download(name, new Blob([data as BlobPart], { type }));
}

export function ExportRun() {
  const run = useAppStore((s) => s.run);
  const scenario = useAppStore((s) => s.scenario);
  const records = run.arrows.length;
  if (records === 0) return null;
  const base = scenarioFileName(scenario);
  const keyLog = keyLogText(run.events);
  return (
    <section className="card export" aria-label="Open the run in Wireshark">
      <p className="small">
        Open this run in Wireshark: the capture holds all {records} records (as TCP to port 443) and the key log, so it opens decrypted.{' '}
        <button type="button" onClick={() => save(`${base}.pcapng`, runToPcapng(run.events), 'application/octet-stream')}>
          Download capture (.pcapng)
        </button>{' '}
        <button type="button" disabled={!keyLog} onClick={() => save(`${base}.keylog`, keyLog, 'text/plain')}>
          Download key log
        </button>
      </p>
    </section>
  );
}
