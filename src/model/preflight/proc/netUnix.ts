/**
 * Parsers for the unix socket tables: /proc/PID/net/unix (proc(5)), which has no peer, and the
 * output of `ss -x -a -n -H`, which has the peer's inode.
 *
 *     Num       RefCount Protocol Flags    Type St Inode Path
 *     0000000000000000: 00000002 00000000 00010000 0001 01 23456 /run/app.sock
 *
 *     u_str ESTAB 0 0 /run/app.sock 23457 * 23458
 */
import { eachLine, issue, type TableIssue } from './lines';

/** Socket types by the number /proc/net/unix prints. */
const UNIX_TYPES: Record<number, string> = { 1: 'stream', 2: 'dgram', 5: 'seqpacket' };

/** Socket states by the number /proc/net/unix prints (SS_* of include/uapi/linux/net.h). */
const UNIX_STATES: Record<number, string> = { 0: 'free', 1: 'unconnected', 2: 'connecting', 3: 'connected', 4: 'disconnecting' };

/** __SO_ACCEPTCON in the Flags column: the socket listens. */
const ACCEPTCON = 0x10000;

export interface UnixSocket {
  line: number;
  inode: string;
  /** `stream`, `dgram`, `seqpacket`, or `type N`. */
  type: string;
  /** `unconnected`, `connected`, ..., or `state N`. */
  state: string;
  listening: boolean;
  /** Bound name: a path, `@name` for an abstract name, or null for none. */
  path: string | null;
}

export interface UnixTable {
  sockets: UnixSocket[];
  issues: TableIssue[];
}

/** Parses /proc/net/unix; malformed lines are left out and listed in `issues`. Never throws. */
export function parseUnixTable(text: string): UnixTable {
  const sockets: UnixSocket[] = [];
  const issues: TableIssue[] = [];
  eachLine(text, (raw, lineNumber) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === 'Num') return;
    if (fields.length < 7 || !/^[0-9a-fA-F]+:$/.test(fields[0])) {
      issues.push(issue(lineNumber, 'not a /proc/net/unix row: expected "Num: RefCount Protocol Flags Type St Inode [Path]"', raw));
      return;
    }
    const [flags, type, state, inode] = [fields[3], fields[4], fields[5], fields[6]];
    if (!/^[0-9a-fA-F]{1,8}$/.test(flags) || !/^[0-9a-fA-F]{1,4}$/.test(type) || !/^[0-9a-fA-F]{1,2}$/.test(state) || !/^\d{1,20}$/.test(inode)) {
      issues.push(issue(lineNumber, 'invalid Flags, Type, St or Inode field', raw));
      return;
    }
    const typeNumber = Number.parseInt(type, 16);
    const stateNumber = Number.parseInt(state, 16);
    // The path is the rest of the line after the inode; it may contain spaces.
    const pathStart = raw.indexOf(` ${inode}`, raw.indexOf(fields[5])) + inode.length + 1;
    const path = raw.slice(pathStart).trim();
    sockets.push({
      line: lineNumber,
      inode,
      type: UNIX_TYPES[typeNumber] ?? `type ${typeNumber}`,
      state: UNIX_STATES[stateNumber] ?? `state ${stateNumber}`,
      listening: (Number.parseInt(flags, 16) & ACCEPTCON) !== 0,
      path: path === '' ? null : path,
    });
  });
  return { sockets, issues };
}

export interface UnixPeer {
  line: number;
  /** `u_str`, `u_dgr` or `u_seq`. */
  netid: string;
  state: string;
  localName: string | null;
  inode: string;
  /** The peer's inode, or null when ss prints `*` with port 0 or `*` (no peer). */
  peerInode: string | null;
  /** Recv-Q: for a listener, the connections waiting to be accepted. */
  recvQ: number;
}

export interface UnixPeerTable {
  sockets: UnixPeer[];
  issues: TableIssue[];
}

/**
 * Parses `ss -x -a -n -H` (or with a header line). The columns are Netid, State, Recv-Q, Send-Q,
 * local name, local inode, peer name, peer inode; `*` stands for no name. Never throws.
 */
export function parseSsUnix(text: string): UnixPeerTable {
  const sockets: UnixPeer[] = [];
  const issues: TableIssue[] = [];
  eachLine(text, (raw, lineNumber) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === 'Netid') return;
    if (!/^u_(str|dgr|seq)$/.test(fields[0]) || fields.length < 8) {
      issues.push(issue(lineNumber, 'not an "ss -x" row: expected "u_str|u_dgr|u_seq State Recv-Q Send-Q Local Inode Peer Inode"', raw));
      return;
    }
    // A name may contain spaces, so the inodes are read from the end and around the peer column.
    const peerInode = fields[fields.length - 1];
    const inode = fields[fields.length - 3];
    if (!/^\d{1,20}$/.test(inode) || !(/^\d{1,20}$/.test(peerInode) || peerInode === '*')) {
      issues.push(issue(lineNumber, 'invalid local or peer inode', raw));
      return;
    }
    const localName = fields.slice(4, fields.length - 3).join(' ');
    sockets.push({
      line: lineNumber,
      netid: fields[0],
      state: fields[1],
      localName: localName === '*' ? null : localName,
      inode,
      peerInode: peerInode === '*' || peerInode === '0' ? null : peerInode,
      recvQ: /^\d{1,10}$/.test(fields[2]) ? Number(fields[2]) : 0,
    });
  });
  return { sockets, issues };
}
