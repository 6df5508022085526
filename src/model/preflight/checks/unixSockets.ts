/**
 * Unix sockets of the container whose peer is outside it: the peer's inode (from `ss -x`) is no fd
 * of a container process. CRIU 4.1.1 (criu/sk-unix.c) cannot dump one end of a stream or seqpacket
 * connection ("Can't dump half of stream unix connection"), and dumps an outside datagram peer only
 * with ext-unix-sk ("External socket is used"). podman exposes no flag for ext-unix-sk, and crun
 * sends it as false over RPC, so only runc's /etc/criu/runc.conf can turn it on.
 */
import type { CheckContext } from '../context';
import type { Check } from '../finding';
import { makeFinding } from '../finding';
import { parseSsUnix, parseUnixTable, type UnixSocket } from '../proc/netUnix';
import type { Evidence, NetNamespaceTables, PreflightFinding } from '../types';

interface OutsidePeer {
  stream: boolean;
  name: string | null;
  evidence: Evidence[];
}

function checkNamespace(ctx: CheckContext, tables: NetNamespaceTables): OutsidePeer[] {
  const unixFile = `/proc/${tables.pid}/net/unix`;
  const byInode = new Map<string, UnixSocket>();
  if (tables.unix !== undefined) {
    const table = parseUnixTable(tables.unix);
    ctx.reportIssues(unixFile, table.issues);
    for (const socket of table.sockets) byInode.set(socket.inode, socket);
  }
  if (tables.ssUnix === undefined) {
    const connected = [...byInode.values()].filter((socket) => socket.state === 'connected' && ctx.socketOwners.has(socket.inode));
    const count = connected.length > 0 ? `${connected.length} connected unix socket${connected.length === 1 ? '' : 's'} of the container were` : 'unix sockets were';
    ctx.skip('unix-sockets', `${count} not checked for outside peers in net namespace ${tables.ns}: \`ss -x\` output was not collected, and /proc/net/unix has no peer`);
    return [];
  }

  const ssFile = `ss -x -a -n (net namespace of pid ${tables.pid})`;
  const peers = parseSsUnix(tables.ssUnix);
  ctx.reportIssues(ssFile, peers.issues);
  const outside: OutsidePeer[] = [];
  for (const socket of peers.sockets) {
    const owners = ctx.socketOwners.get(socket.inode);
    if (owners === undefined || socket.peerInode === null || ctx.socketOwners.has(socket.peerInode)) continue;
    const procEntry = byInode.get(socket.inode);
    const stream = socket.netid !== 'u_dgr';
    const name = socket.localName ?? procEntry?.path ?? null;
    const evidence = owners.map((owner) => {
      const item: Evidence = {
        text: `pid ${owner.pid} fd ${owner.fd} -> socket:[${socket.inode}] ${socket.netid} ${name ?? '(no name)'} peer socket:[${socket.peerInode}] outside the container`,
        pid: owner.pid,
        fd: owner.fd,
        inode: socket.inode,
        source: { file: ssFile, line: socket.line },
      };
      if (name !== null && name.startsWith('/')) item.path = name;
      return item;
    });
    outside.push({ stream, name, evidence });
  }
  return outside;
}

export const unixSocketsCheck: Check = {
  name: 'unix-sockets',
  run(ctx) {
    const outside = ctx.input.net.flatMap((tables) => checkNamespace(ctx, tables));
    const findings: PreflightFinding[] = [];
    const streams = outside.filter((peer) => peer.stream);
    const datagrams = outside.filter((peer) => !peer.stream);
    if (streams.length > 0) {
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'blocks',
          title: `${streams.length} unix stream connection${streams.length === 1 ? '' : 's'} to a process outside the container`,
          detail: 'CRIU can save only one end of this connection, and no option makes it save a stream connection to a process it does not dump; the dump fails with "Can\'t dump half of stream unix connection". The application must close the connection before the checkpoint.',
          evidence: streams.flatMap((peer) => peer.evidence),
          kbCode: 'unix-socket.half-stream-connection',
          kbMessage: `Can't dump half of stream unix connection. name: ${streams[0].name ?? ''}; peer name: `,
        }),
      );
    }
    if (datagrams.length > 0) {
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'blocks',
          title: `${datagrams.length} unix datagram socket${datagrams.length === 1 ? '' : 's'} connected to the outside`,
          detail: 'CRIU dumps a datagram socket whose peer is outside the container only with ext-unix-sk, and fails with "External socket is used" otherwise. podman has no flag for it and crun sends it as false, so it works only under runc with ext-unix-sk in /etc/criu/runc.conf.',
          evidence: datagrams.flatMap((peer) => peer.evidence),
          kbCode: 'unix-socket.external-socket',
          kbMessage: 'External socket is used. Consider using --ext-unix-sk option.',
        }),
      );
    }
    return findings;
  },
};
