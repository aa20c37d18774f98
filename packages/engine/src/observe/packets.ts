/**
 * From a captured frame to a TCP segment: the link layers captures of TLS come in
 * (Ethernet with 802.1Q/802.1ad tags, Linux cooked SLL and SLL2, BSD loopback/null, raw IP),
 * IPv4 (RFC 791) and IPv6 with its extension headers (RFC 8200), and the TCP header
 * (RFC 9293 §3.1). Anything else (ARP, UDP, IP fragments...) is skipped with a reason.
 */

/** LINKTYPE_* values (tcpdump.org link-layer header types). */
export const LINKTYPES: Readonly<Record<number, string>> = {
  0: 'BSD loopback (NULL)',
  1: 'Ethernet',
  12: 'raw IP',
  101: 'raw IP',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  228: 'raw IPv4',
  229: 'raw IPv6',
  276: 'Linux cooked v2 (SLL2)',
};

export interface TcpSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
  /** Payload bytes the capture did not keep (snap length). */
  missing: number;
}

export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export type Decoded = { ok: true; segment: TcpSegment } | { ok: false; skip: string };

const skip = (why: string): Decoded => ({ ok: false, skip: why });

/** Decodes one frame down to its TCP segment. `originalLength` is the frame's length on the wire. */
export function decodeFrame(linkType: number, data: Uint8Array, originalLength = data.length): Decoded {
  const ip = ipPayloadOf(linkType, data);
  if (typeof ip === 'string') return skip(ip);
  return decodeIp(ip, Math.max(0, originalLength - data.length));
}

/** The IP packet inside a frame, or why there is none. */
function ipPayloadOf(linkType: number, d: Uint8Array): Uint8Array | string {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  switch (linkType) {
    case 1: {
      if (d.length < 14) return 'Ethernet frame too short';
      let o = 12;
      let type = v.getUint16(o);
      // 802.1Q / 802.1ad VLAN tags.
      while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && d.length >= o + 6) {
        o += 4;
        type = v.getUint16(o);
      }
      return byEtherType(type, d.subarray(o + 2));
    }
    case 0:
    case 108: {
      // A 4-byte address family (host byte order for NULL, network order for LOOP); the IP
      // version nibble tells IPv4 from IPv6 whatever the family's value on that OS.
      if (d.length < 4) return 'loopback frame too short';
      return d.subarray(4);
    }
    case 12:
    case 101:
    case 228:
    case 229:
      return d;
    case 113:
      if (d.length < 16) return 'Linux cooked (SLL) frame too short';
      return byEtherType(v.getUint16(14), d.subarray(16));
    case 276:
      if (d.length < 20) return 'Linux cooked v2 (SLL2) frame too short';
      return byEtherType(v.getUint16(0), d.subarray(20));
    default:
      return `link type ${linkType} is not supported (supported: ${[...new Set(Object.values(LINKTYPES))].join(', ')})`;
  }
}

function byEtherType(type: number, payload: Uint8Array): Uint8Array | string {
  if (type === 0x0800 || type === 0x86dd) return payload;
  return `not IP (EtherType 0x${type.toString(16).padStart(4, '0')})`;
}

function decodeIp(p: Uint8Array, missing: number): Decoded {
  if (p.length < 1) return skip('empty IP packet');
  const version = p[0]! >> 4;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  if (version === 4) {
    if (p.length < 20) return skip('IPv4 header truncated');
    const ihl = (p[0]! & 0x0f) * 4;
    const total = v.getUint16(2);
    const fragment = v.getUint16(6);
    if (ihl < 20 || p.length < ihl) return skip('IPv4 header truncated');
    // RFC 791: MF set or a non-zero fragment offset. Fragmented TCP is very rare; not reassembled.
    if (fragment & 0x3fff) return skip('IPv4 fragment (not reassembled)');
    if (p[9] !== 6) return skip(`IPv4 protocol ${p[9]} is not TCP`);
    // The frame may carry padding after the IP packet (short Ethernet frames); the capture may
    // hold less than the packet (snap length).
    const end = total >= ihl ? Math.min(total, p.length) : p.length;
    const lost = total > p.length ? total - p.length : missing;
    return decodeTcp(ipv4(p.subarray(12, 16)), ipv4(p.subarray(16, 20)), p.subarray(ihl, end), lost);
  }
  if (version === 6) {
    if (p.length < 40) return skip('IPv6 header truncated');
    const payloadLength = v.getUint16(4);
    let next = p[6]!;
    let o = 40;
    // RFC 8200 §4: hop-by-hop, routing, destination options; a fragment header ends the walk.
    while (next === 0 || next === 43 || next === 60 || next === 44) {
      if (next === 44) return skip('IPv6 fragment (not reassembled)');
      if (p.length < o + 8) return skip('IPv6 extension header truncated');
      next = p[o]!;
      o += (p[o + 1]! + 1) * 8;
    }
    if (next !== 6) return skip(`IPv6 next header ${next} is not TCP`);
    const end = Math.min(40 + payloadLength, p.length);
    const lost = 40 + payloadLength > p.length ? 40 + payloadLength - p.length : missing;
    return decodeTcp(ipv6(p.subarray(8, 24)), ipv6(p.subarray(24, 40)), p.subarray(o, end), lost);
  }
  return skip(`not IP (version ${version})`);
}

function decodeTcp(src: string, dst: string, t: Uint8Array, missing: number): Decoded {
  if (t.length < 20) return skip('TCP header truncated');
  const v = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const offset = (t[12]! >> 4) * 4;
  if (offset < 20 || offset > t.length) return skip('TCP header truncated');
  return {
    ok: true,
    segment: {
      src,
      dst,
      srcPort: v.getUint16(0),
      dstPort: v.getUint16(2),
      seq: v.getUint32(4),
      ack: v.getUint32(8),
      flags: t[13]!,
      payload: t.subarray(offset),
      missing,
    },
  };
}

function ipv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}

/** RFC 5952 text form: lower case, longest run of zero groups as "::". */
function ipv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** "10.0.0.1:443" / "[::1]:443" */
export function endpointName(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
