/**
 * Parser for /proc/PID/net/netlink:
 *
 *     sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode
 *     ffff8a0e4c7f0000 0   4242       00000011 0        0        0     2        0        31337
 *
 * `Eth` is the protocol (NETLINK_ROUTE is 0), `Groups` the first 32 multicast groups in hex.
 */
import { eachLine, issue, type TableIssue } from './lines';

/** Netlink protocol names by number (include/uapi/linux/netlink.h). */
export const NETLINK_PROTOCOLS: Record<number, string> = {
  0: 'NETLINK_ROUTE',
  2: 'NETLINK_USERSOCK',
  4: 'NETLINK_SOCK_DIAG',
  6: 'NETLINK_XFRM',
  7: 'NETLINK_SELINUX',
  9: 'NETLINK_AUDIT',
  10: 'NETLINK_FIB_LOOKUP',
  11: 'NETLINK_CONNECTOR',
  12: 'NETLINK_NETFILTER',
  15: 'NETLINK_KOBJECT_UEVENT',
  16: 'NETLINK_GENERIC',
  18: 'NETLINK_SCSITRANSPORT',
  19: 'NETLINK_ECRYPTFS',
  20: 'NETLINK_RDMA',
  21: 'NETLINK_CRYPTO',
};

export interface NetlinkSocket {
  line: number;
  protocol: number;
  protocolName: string;
  portId: string;
  /** The first 32 groups as printed, in hex. */
  groups: string;
  rmem: number;
  inode: string;
}

export interface NetlinkTable {
  sockets: NetlinkSocket[];
  issues: TableIssue[];
}

/** Parses /proc/net/netlink; malformed lines are left out and listed in `issues`. Never throws. */
export function parseNetlinkTable(text: string): NetlinkTable {
  const sockets: NetlinkSocket[] = [];
  const issues: TableIssue[] = [];
  eachLine(text, (raw, lineNumber) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === 'sk') return;
    const valid =
      fields.length >= 10 &&
      /^[0-9a-f]{1,16}$/i.test(fields[0]) &&
      /^\d{1,3}$/.test(fields[1]) &&
      /^\d{1,10}$/.test(fields[2]) &&
      /^[0-9a-f]{1,8}$/i.test(fields[3]) &&
      /^\d{1,20}$/.test(fields[4]) &&
      /^\d{1,20}$/.test(fields[9]);
    if (!valid) {
      issues.push(issue(lineNumber, 'not a /proc/net/netlink row: expected "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode"', raw));
      return;
    }
    const protocol = Number(fields[1]);
    sockets.push({
      line: lineNumber,
      protocol,
      protocolName: NETLINK_PROTOCOLS[protocol] ?? `protocol ${protocol}`,
      portId: fields[2],
      groups: fields[3],
      rmem: Number(fields[4]),
      inode: fields[9],
    });
  });
  return { sockets, issues };
}
