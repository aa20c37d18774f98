/**
 * The header's **Open capture…** button: a small dialog to pick a pcap/pcapng file, an
 * optional key log (SSLKEYLOGFILE format) and optional extra trusted roots; and files dropped
 * anywhere on the page (sorted by their content) open the same way.
 */
import { useEffect, useRef, useState } from 'react';
import { KEY_LOG_HINT } from '@tlslab/engine/keylog';
import { classifyFiles, openCaptureFiles, useCaptureStore } from './capture';

export function CaptureOpener() {
  const [open, setOpen] = useState(false);
  const [capture, setCapture] = useState<File | null>(null);
  const [keyLog, setKeyLog] = useState<File | null>(null);
  const [roots, setRoots] = useState<File | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useDropFiles();
  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [open]);
  const submit = () => {
    if (!capture) return;
    setOpen(false);
    void openCaptureFiles(capture, keyLog, roots);
  };
  return (
    <div className="capture-opener">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} aria-haspopup="dialog">
        Open capture…
      </button>
      {open && (
        <div
          ref={dialog}
          role="dialog"
          aria-label="Open a packet capture"
          className="capture-dialog card"
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          <h3>Open a packet capture</h3>
          <label>
            Capture (.pcap, .pcapng)
            <input type="file" accept=".pcap,.pcapng,.cap,application/vnd.tcpdump.pcap" data-testid="capture-file" onChange={(e) => setCapture(e.target.files?.[0] ?? null)} />
          </label>
          <label>
            Key log (optional, SSLKEYLOGFILE format)
            <input type="file" data-testid="capture-keylog" onChange={(e) => setKeyLog(e.target.files?.[0] ?? null)} />
          </label>
          <label>
            Extra trusted roots (optional, PEM)
            <input type="file" accept=".pem,.crt,.cer" data-testid="capture-roots" onChange={(e) => setRoots(e.target.files?.[0] ?? null)} />
          </label>
          <p className="small muted">
            The files stay in this page. Certificates are checked against the Mozilla root store (and your roots). {KEY_LOG_HINT} You can also drop the files onto the page.
          </p>
          <div className="capture-actions">
            <button type="button" className="primary" disabled={!capture} onClick={submit}>
              Open
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** Files dropped on the page: the capture, a key log and roots are told apart by their content. */
function useDropFiles(): void {
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      useCaptureStore.setState({ dragging: true });
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) useCaptureStore.setState({ dragging: false });
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      useCaptureStore.setState({ dragging: false });
      const files = Array.from(e.dataTransfer?.files ?? []);
      void (async () => {
        const c = await classifyFiles(files);
        if (!c.capture) {
          useCaptureStore.setState({
            active: true,
            fileName: files.map((f) => f.name).join(', '),
            connections: [],
            connection: null,
            problems: [`None of the dropped files is a pcap or pcapng capture${c.keyLog ? ' (a key log alone cannot be opened: drop it together with its capture)' : ''}.`],
          });
          return;
        }
        await openCaptureFiles(c.capture, c.keyLog, c.roots);
      })();
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
}
