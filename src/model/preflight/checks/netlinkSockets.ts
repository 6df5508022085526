/**
 * Netlink sockets of the container, from /proc/PID/net/netlink. CRIU 4.1.1 (criu/sk-netlink.c)
 * dumps netlink sockets of every protocol, but fails on one with unread data ("The socket has data
 * to read"), on one subscribed to groups above 32, and on one bound to groups without a port id.
 * /proc shows only the first 32 groups, so the groups above 32 cannot be checked.
 */
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import { type NetlinkSocket, parseNetlinkTable } from '../proc/netlink';
import type { Evidence, PreflightFinding } from '../types';

interface Owned {
  socket: NetlinkSocket;
  evidence: Evidence[];
}

export const netlinkSocketsCheck: Check = {
  name: 'netlink-sockets',
  run(ctx) {
    const owned: Owned[] = [];
    for (const tables of ctx.input.net) {
      const file = `/proc/${tables.pid}/net/netlink`;
      if (tables.netlink === undefined) {
        const reason = tables.unreadable?.netlink;
        ctx.skip('netlink-sockets', `${file} was not read${reason ? `: ${reason}` : ''}`);
        continue;
      }
      const table = parseNetlinkTable(tables.netlink);
      ctx.reportIssues(file, table.issues);
      for (const socket of table.sockets) {
        const owners = ctx.socketOwners.get(socket.inode);
        if (owners === undefined) continue;
        const evidence = owners.map((owner) => ({
          text: `pid ${owner.pid} fd ${owner.fd} -> socket:[${socket.inode}] ${socket.protocolName} port ${socket.portId} groups ${socket.groups} rmem ${socket.rmem}`,
          pid: owner.pid,
          fd: owner.fd,
          inode: socket.inode,
          source: { file, line: socket.line },
        }));
        owned.push({ socket, evidence });
      }
    }
    if (owned.length === 0) return [];

    const findings: PreflightFinding[] = [];
    const unread = owned.filter((item) => item.socket.rmem > 0);
    const groupsWithoutPort = owned.filter((item) => item.socket.portId === '0' && !/^0+$/.test(item.socket.groups));
    if (unread.length > 0) {
      findings.push(
        makeFinding(ctx, 'netlink-sockets', {
          category: 'netlink',
          verdict: 'blocks',
          title: `${unread.length} netlink socket${unread.length === 1 ? ' has' : 's have'} unread data`,
          detail: 'CRIU does not save queued netlink messages and fails with "The socket has data to read". The queue empties when the application reads it, so a retry can pass.',
          evidence: unread.flatMap((item) => item.evidence),
          kbCode: 'netlink.unread-data',
          kbMessage: 'The socket has data to read',
        }),
      );
    }
    if (groupsWithoutPort.length > 0) {
      const inode = Number(groupsWithoutPort[0].socket.inode).toString(16);
      findings.push(
        makeFinding(ctx, 'netlink-sockets', {
          category: 'netlink',
          verdict: 'blocks',
          title: `${groupsWithoutPort.length} netlink socket${groupsWithoutPort.length === 1 ? ' is' : 's are'} bound to groups without a port id`,
          detail: 'CRIU 4.1.1 refuses a netlink socket that is subscribed to multicast groups but has port id 0.',
          evidence: groupsWithoutPort.flatMap((item) => item.evidence),
          kbCode: 'netlink.groups-unsupported',
          kbMessage: `The netlink socket 0x${inode} is bound to groups but not to portid`,
        }),
      );
    }
    const fine = owned.filter((item) => !unread.includes(item) && !groupsWithoutPort.includes(item));
    if (fine.length > 0) {
      findings.push(
        makeFinding(ctx, 'netlink-sockets', {
          category: 'netlink',
          verdict: 'fine',
          title: `${plural(fine.length, 'netlink socket')}`,
          detail: 'CRIU dumps netlink sockets of any protocol with their port id and first 32 groups. /proc shows only the first 32 groups, so a subscription above group 32, which CRIU refuses, is not visible here.',
          evidence: fine.flatMap((item) => item.evidence),
        }),
      );
    }
    return findings;
  },
};
