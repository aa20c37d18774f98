/**
 * Reading capture files: the classic pcap format and pcapng (draft-ietf-opsawg-pcap,
 * draft-ietf-opsawg-pcapng), either byte order, microsecond or nanosecond (or any
 * if_tsresol) timestamps, several sections and interfaces, and the Decryption Secrets Block
 * that carries an NSS key log inside a pcapng file.
 *
 * Nothing here throws on bad input: a file that is not a capture, or one cut short, yields
 * the packets read so far and a `problems` list saying what is wrong, in words.
 */

/** One captured frame. */
interface CapturedPacket {
  /** 0-based position in the file. */
  index: number;
  /** Capture time, ms since the epoch (fractional: µs or ns precision kept). */
  time: number;
  /** LINKTYPE_* of the interface it was captured on. */
  linkType: number;
  /** The captured bytes (may be shorter than the frame on the wire: see `originalLength`). */
  data: Uint8Array;
  originalLength: number;
}

export interface CaptureFile {
  format: 'pcap' | 'pcapng';
  packets: CapturedPacket[];
  /** NSS key log text found in Decryption Secrets Blocks (pcapng). */
  keyLog: string;
  /** What could not be read, in words (empty when all is well). */
  problems: string[];
}

/** Largest capture we read whole (a bigger file is refused with its size, never half-read). */
export const MAX_CAPTURE_BYTES = 256 * 1024 * 1024;

const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const SECRETS_TLS_KEYLOG = 0x544c534b; // "TLSK"

/** "12.3 MB" */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The message for a file too big to open, or undefined if it may be read. */
export function sizeProblem(bytes: number): string | undefined {
  if (bytes <= MAX_CAPTURE_BYTES) return undefined;
  return (
    `This capture is ${formatSize(bytes)}; TLS Lab reads captures of up to ${formatSize(MAX_CAPTURE_BYTES)}. ` +
    'Keep only the TLS traffic first, e.g. `tshark -r big.pcapng -Y tls -w small.pcapng` (or a capture filter such as `tcp port 443`).'
  );
}

/** Whether the bytes start like a pcap or pcapng file. */
export function looksLikeCapture(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  return le === PCAPNG_SHB || [0xa1b2c3d4, 0xa1b23c4d].includes(le) || [0xa1b2c3d4, 0xa1b23c4d].includes(be);
}

/** Reads a pcap or pcapng file. */
export function readCapture(bytes: Uint8Array): CaptureFile {
  const size = sizeProblem(bytes.length);
  if (size) return { format: 'pcap', packets: [], keyLog: '', problems: [size] };
  if (bytes.length < 4) return notACapture(bytes, 'it is shorter than any capture header');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) === PCAPNG_SHB) return readPcapng(bytes, v);
  for (const little of [true, false]) {
    const magic = v.getUint32(0, little);
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) return readPcap(bytes, v, little, magic === 0xa1b23c4d ? 1e9 : 1e6);
  }
  return notACapture(bytes);
}

function notACapture(bytes: Uint8Array, why?: string): CaptureFile {
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64));
  let hint = '';
  if (
    /^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET|CLIENT_EARLY_TRAFFIC_SECRET|#)/.test(
      text,
    )
  )
    hint = ' It looks like a key log: open it as the key log, next to a capture.';
  else if (text.startsWith('-----BEGIN')) hint = ' It looks like a PEM file (certificates go in the Certificates tab).';
  return {
    format: 'pcap',
    packets: [],
    keyLog: '',
    problems: [`This is not a pcap or pcapng capture (${why ?? `it starts with ${head || 'nothing'}, not a capture's magic number`}).${hint}`],
  };
}

// ---- pcap ------------------------------------------------------------------------------------

function readPcap(bytes: Uint8Array, v: DataView, little: boolean, unitsPerSecond: number): CaptureFile {
  const out: CaptureFile = { format: 'pcap', packets: [], keyLog: '', problems: [] };
  if (bytes.length < 24) {
    out.problems.push(`The pcap file is truncated: its 24-byte header is only ${bytes.length} bytes.`);
    return out;
  }
  // The upper bits of the link type field carry FCS information (draft-ietf-opsawg-pcap §4).
  const linkType = v.getUint32(20, little) & 0x0fffffff;
  let o = 24;
  while (o < bytes.length) {
    if (bytes.length - o < 16) {
      out.problems.push(`The file is truncated: it ends inside a packet header (byte ${o} of ${bytes.length}).`);
      break;
    }
    const sec = v.getUint32(o, little);
    const frac = v.getUint32(o + 4, little);
    const caplen = v.getUint32(o + 8, little);
    const origlen = v.getUint32(o + 12, little);
    if (caplen > 0x4000000) {
      out.problems.push(`Packet ${out.packets.length + 1} claims ${caplen} captured bytes: the file is damaged from byte ${o} on.`);
      break;
    }
    if (o + 16 + caplen > bytes.length) {
      out.problems.push(`The file is truncated: packet ${out.packets.length + 1} needs ${caplen} bytes, only ${bytes.length - o - 16} are left.`);
      break;
    }
    out.packets.push({
      index: out.packets.length,
      time: sec * 1000 + (frac * 1000) / unitsPerSecond,
      linkType,
      data: bytes.subarray(o + 16, o + 16 + caplen),
      originalLength: origlen,
    });
    o += 16 + caplen;
  }
  return out;
}

// ---- pcapng ----------------------------------------------------------------------------------

interface Interface {
  linkType: number;
  /** Timestamp units per second (if_tsresol; default 10^6). */
  unitsPerSecond: number;
  /** if_tsoffset, seconds. */
  offsetSeconds: number;
}

function readPcapng(bytes: Uint8Array, whole: DataView): CaptureFile {
  const out: CaptureFile = { format: 'pcapng', packets: [], keyLog: '', problems: [] };
  let little = true;
  let interfaces: Interface[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (bytes.length - o < 12) {
      out.problems.push(`The file is truncated: it ends inside a block header (byte ${o} of ${bytes.length}).`);
      break;
    }
    const type = whole.getUint32(o, true);
    if (type === PCAPNG_SHB) {
      // A new section: its byte-order magic decides how everything in it is read.
      const magic = whole.getUint32(o + 8, true);
      if (magic === BYTE_ORDER_MAGIC) little = true;
      else if (whole.getUint32(o + 8, false) === BYTE_ORDER_MAGIC) little = false;
      else {
        out.problems.push(`Section header at byte ${o} has no valid byte-order magic: the file is damaged.`);
        break;
      }
      interfaces = [];
    }
    const length = whole.getUint32(o + 4, little);
    if (length < 12 || length % 4 !== 0) {
      out.problems.push(`Block at byte ${o} has an invalid length ${length}: the file is damaged from there on.`);
      break;
    }
    if (o + length > bytes.length) {
      out.problems.push(`The file is truncated: the block at byte ${o} needs ${length} bytes, only ${bytes.length - o} are left.`);
      break;
    }
    const body = new DataView(bytes.buffer, bytes.byteOffset + o + 8, length - 12);
    const bodyBytes = bytes.subarray(o + 8, o + length - 4);
    const blockType = whole.getUint32(o, little);
    try {
      readPcapngBlock(blockType, body, bodyBytes, little, o, interfaces, out);
    } catch {
      out.problems.push(`The block at byte ${o} is too short for its type; skipped.`);
    }
    o += length;
  }
  return out;
}

/** One pcapng block by its type (draft-ietf-opsawg-pcapng §4): interfaces, packets, decryption secrets. */
function readPcapngBlock(blockType: number, body: DataView, bodyBytes: Uint8Array, little: boolean, o: number, interfaces: Interface[], out: CaptureFile): void {
  switch (blockType) {
    case 0x00000001: {
      // Interface Description Block: linktype, reserved, snaplen, options.
      const iface: Interface = { linkType: body.getUint16(0, little), unitsPerSecond: 1e6, offsetSeconds: 0 };
      forEachOption(bodyBytes, 8, little, (code, value) => {
        if (code === 9 && value.length >= 1) {
          const r = value[0]!;
          iface.unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
        } else if (code === 14 && value.length >= 8) {
          iface.offsetSeconds = Number(new DataView(value.buffer, value.byteOffset, 8).getBigInt64(0, little));
        }
      });
      interfaces.push(iface);
      return;
    }
    case 0x00000006:
    case 0x00000002: {
      // Enhanced Packet Block (and the obsolete Packet Block: a 16-bit interface id and drops count).
      const enhanced = blockType === 6;
      const ifId = enhanced ? body.getUint32(0, little) : body.getUint16(0, little);
      const iface = interfaces[ifId];
      if (!iface) {
        out.problems.push(`A packet at byte ${o} names interface ${ifId}, which the file never described; skipped.`);
        return;
      }
      const ts = (BigInt(body.getUint32(4, little)) << 32n) | BigInt(body.getUint32(8, little));
      const caplen = body.getUint32(12, little);
      const origlen = body.getUint32(16, little);
      if (20 + caplen > bodyBytes.length) {
        out.problems.push(`A packet at byte ${o} claims ${caplen} captured bytes, more than its block holds; skipped.`);
        return;
      }
      out.packets.push({ index: out.packets.length, time: timeMs(ts, iface), linkType: iface.linkType, data: bodyBytes.subarray(20, 20 + caplen), originalLength: origlen });
      return;
    }
    case 0x00000003: {
      // Simple Packet Block: interface 0, no timestamp.
      const iface = interfaces[0];
      if (!iface) return;
      const origlen = body.getUint32(0, little);
      const caplen = Math.min(origlen, bodyBytes.length - 4);
      out.packets.push({
        index: out.packets.length,
        time: out.packets[out.packets.length - 1]?.time ?? 0,
        linkType: iface.linkType,
        data: bodyBytes.subarray(4, 4 + caplen),
        originalLength: origlen,
      });
      return;
    }
    case 0x0000000a: {
      // Decryption Secrets Block: secrets type, length, data.
      const secretsType = body.getUint32(0, little);
      const len = body.getUint32(4, little);
      if (secretsType === SECRETS_TLS_KEYLOG && 8 + len <= bodyBytes.length) {
        const text = new TextDecoder().decode(bodyBytes.subarray(8, 8 + len));
        out.keyLog += text.endsWith('\n') ? text : `${text}\n`;
      }
      return;
    }
    default:
      // Name resolution, statistics, custom blocks...: nothing TLS needs.
      return;
  }
}

function timeMs(ts: bigint, iface: Interface): number {
  const units = BigInt(Math.round(iface.unitsPerSecond));
  const whole = ts / units;
  const frac = ts % units;
  return (Number(whole) + iface.offsetSeconds) * 1000 + (Number(frac) * 1000) / iface.unitsPerSecond;
}

/** Calls `f(code, value)` for each option (code u16, length u16, value padded to 4) from `start`. */
function forEachOption(body: Uint8Array, start: number, little: boolean, f: (code: number, value: Uint8Array) => void): void {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let o = start;
  while (o + 4 <= body.length) {
    const code = v.getUint16(o, little);
    const len = v.getUint16(o + 2, little);
    if (code === 0 || o + 4 + len > body.length) return;
    f(code, body.subarray(o + 4, o + 4 + len));
    o += 4 + ((len + 3) & ~3);
  }
}
