/**
 * Parser for /proc/PID/net/tcp, tcp6, udp and udp6 (proc(5)):
 *
 *     sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *      0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4711 1 ...
 *
 * Addresses are hex in the kernel's byte order (little-endian 32-bit words on x86 and arm64),
 * ports are big-endian hex. The header line is recognised and skipped.
 */
import { eachLine, issue, type TableIssue } from './lines';

export type InetProtocol = 'tcp' | 'tcp6' | 'udp' | 'udp6';

/** TCP states by the number the kernel prints (include/net/tcp_states.h). */
export const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'NEW_SYN_RECV',
};

export interface InetSocket {
  protocol: InetProtocol;
  /** 1-based line in the file. */
  line: number;
  /** Local address as text, e.g. `127.0.0.1:8080` or `[::1]:8080`. */
  local: string;
  remote: string;
  /** State number, e.g. 10 for LISTEN. */
  state: number;
  /** State name from TCP_STATES, or `UNKNOWN(N)`. */
  stateName: string;
  txQueue: number;
  /** Receive queue; for a listening TCP socket, the connections waiting for accept(). */
  rxQueue: number;
  /** Socket inode in decimal; `0` for sockets no file refers to (TIME_WAIT, request sockets). */
  inode: string;
}

export interface InetTable {
  sockets: InetSocket[];
  issues: TableIssue[];
}

const HEX_IPV4 = /^[0-9A-Fa-f]{8}$/;
const HEX_IPV6 = /^[0-9A-Fa-f]{32}$/;

/** Decodes one 32-bit word the kernel printed in host order (little-endian) into 4 bytes. */
function wordBytes(hex: string): number[] {
  const value = Number.parseInt(hex, 16);
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function formatIpv6(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) bytes.push(...wordBytes(hex.slice(word * 8, word * 8 + 8)));
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(((bytes[index] << 8) | bytes[index + 1]).toString(16));
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  // Compress the longest run of zero groups, as inet_ntop does.
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== '0') {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === '0') end++;
    if (end - start > bestLength && end - start > 1) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** Formats `0100007F:1F90` as `127.0.0.1:8080`, or returns null when it is not an address. */
export function formatInetAddress(field: string): string | null {
  const colon = field.indexOf(':');
  if (colon < 0) return null;
  const address = field.slice(0, colon);
  const portHex = field.slice(colon + 1);
  if (!/^[0-9A-Fa-f]{4}$/.test(portHex)) return null;
  const port = Number.parseInt(portHex, 16);
  if (HEX_IPV4.test(address)) return `${wordBytes(address).join('.')}:${port}`;
  if (HEX_IPV6.test(address)) return `[${formatIpv6(address)}]:${port}`;
  return null;
}

/** Parses one table; malformed lines are left out and listed in `issues`. Never throws. */
export function parseInetTable(text: string, protocol: InetProtocol): InetTable {
  const sockets: InetSocket[] = [];
  const issues: TableIssue[] = [];
  eachLine(text, (raw, lineNumber) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === 'sl') return;
    if (fields.length < 10 || !/^\d+:$/.test(fields[0])) {
      issues.push(issue(lineNumber, `not a /proc/net/${protocol} row: expected "sl: local remote st queues ... inode"`, raw));
      return;
    }
    const local = formatInetAddress(fields[1]);
    const remote = formatInetAddress(fields[2]);
    if (local === null || remote === null) {
      issues.push(issue(lineNumber, `invalid address "${local === null ? fields[1] : fields[2]}", expected hex ADDRESS:PORT`, raw));
      return;
    }
    if (!/^[0-9A-Fa-f]{2}$/.test(fields[3])) {
      issues.push(issue(lineNumber, `invalid state "${fields[3]}", expected two hex digits`, raw));
      return;
    }
    const queues = /^([0-9A-Fa-f]{1,8}):([0-9A-Fa-f]{1,8})$/.exec(fields[4]);
    if (!queues) {
      issues.push(issue(lineNumber, `invalid queues "${fields[4]}", expected hex TX:RX`, raw));
      return;
    }
    const inode = fields[9];
    if (!/^\d{1,20}$/.test(inode)) {
      issues.push(issue(lineNumber, `invalid inode "${inode}"`, raw));
      return;
    }
    const state = Number.parseInt(fields[3], 16);
    sockets.push({
      protocol,
      line: lineNumber,
      local,
      remote,
      state,
      stateName: TCP_STATES[state] ?? `UNKNOWN(${state})`,
      txQueue: Number.parseInt(queues[1], 16),
      rxQueue: Number.parseInt(queues[2], 16),
      inode,
    });
  });
  return { sockets, issues };
}
