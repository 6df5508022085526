/**
 * Socket fds that none of the tables read lists: a raw, packet, SCTP, vsock or Bluetooth socket, or
 * a socket of a network namespace whose tables were not collected. The preflight cannot predict
 * what CRIU does with them, so they are named in `skipped`.
 */
import { parseSsUnix, parseUnixTable } from '../proc/netUnix';
import { parseInetTable } from '../proc/netInet';
import { parseNetlinkTable } from '../proc/netlink';
import type { Check } from '../finding';

/** Maximum number of sockets named in the message; the rest are counted. */
const NAMED_MAX = 5;

export const unmatchedSocketsCheck: Check = {
  name: 'unmatched-sockets',
  run(ctx) {
    if (ctx.socketOwners.size === 0) return [];
    const listed = new Set<string>();
    for (const tables of ctx.input.net) {
      for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
        const text = tables[protocol];
        if (text !== undefined) for (const socket of parseInetTable(text, protocol).sockets) listed.add(socket.inode);
      }
      if (tables.unix !== undefined) for (const socket of parseUnixTable(tables.unix).sockets) listed.add(socket.inode);
      if (tables.ssUnix !== undefined) for (const socket of parseSsUnix(tables.ssUnix).sockets) listed.add(socket.inode);
      if (tables.netlink !== undefined) for (const socket of parseNetlinkTable(tables.netlink).sockets) listed.add(socket.inode);
    }
    const unmatched: string[] = [];
    for (const [inode, owners] of ctx.socketOwners) {
      if (listed.has(inode)) continue;
      for (const owner of owners) unmatched.push(`pid ${owner.pid} fd ${owner.fd} -> socket:[${inode}]`);
    }
    if (unmatched.length === 0) return [];
    const named = unmatched.slice(0, NAMED_MAX).join(', ');
    const rest = unmatched.length > NAMED_MAX ? ` and ${unmatched.length - NAMED_MAX} more` : '';
    ctx.skip('unmatched-sockets', `${unmatched.length} socket fd${unmatched.length === 1 ? ' is' : 's are'} in no table that was read (tcp, tcp6, udp, udp6, unix, netlink), so ${unmatched.length === 1 ? 'it was' : 'they were'} not checked: ${named}${rest}`);
    return [];
  },
};
