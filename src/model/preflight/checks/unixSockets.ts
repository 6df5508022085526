/**
 * Unix sockets of the container whose peer is outside it: the peer's inode (from `ss -x`) is no fd
 * of a container process. CRIU 4.1.1 (criu/sk-unix.c) fails in one of three ways:
 *
 * - the peer is in another network namespace, so sock_diag of the container's namespace does not
 *   list it: "Unix socket N without peer M";
 * - without ext-unix-sk, any other outside peer: "External socket is used";
 * - with ext-unix-sk, a stream or seqpacket peer ("Can't dump half of stream unix connection") or
 *   a datagram peer without a name ("Can't dump name-less external socket").
 *
 * podman exposes no flag for ext-unix-sk, and crun sends it as false over RPC. Only a
 * configuration file that CRIU reads after the RPC options can turn it on: runc's
 * /etc/criu/runc.conf, or crun.conf for crun 1.26 with CRIU 4.2.
 */
import { configFilesFor, configValue, DEFAULT_CONF } from '../criuConfig';
import type { CheckContext } from '../context';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import { parseSsUnix, parseUnixTable, type UnixPeer, type UnixSocket } from '../proc/netUnix';
import type { Evidence, NetNamespaceTables, PreflightFinding } from '../types';

type Outcome = 'no-peer' | 'external' | 'half-stream' | 'nameless' | 'dangling' | 'fine';

interface OutsidePeer {
  outcome: Outcome;
  socket: UnixPeer;
  peer: UnixPeer | undefined;
  evidence: Evidence[];
}

/** Returns whether ext-unix-sk is set in a file that CRIU reads after the runtime's RPC options. */
function extUnixSkEnabled(ctx: CheckContext): boolean {
  const configs = ctx.input.criuConfigs ?? {};
  const overriding = configFilesFor(ctx.input).filter((file) => file !== DEFAULT_CONF);
  return configValue(overriding.map((file) => configs[file]), 'ext-unix-sk') !== undefined;
}

function outcomeOf(peer: UnixPeer | undefined, extUnixSk: boolean): Outcome {
  if (peer === undefined) return 'no-peer';
  if (!extUnixSk) return 'external';
  if (peer.netid !== 'u_dgr') return 'half-stream';
  if (peer.localName === null) return 'nameless';
  return 'fine';
}

/**
 * Says why `ss -x` output is missing, with the package to install when a program was not found:
 * nsenter (util-linux) prints `failed to execute ss` and sh prints `nsenter: not found`.
 */
function ssFailureCause(message: string | undefined): string {
  if (message === undefined) return '`ss -x` output was not collected';
  if (/failed to execute ss\b|\bss: (?:\d+: )?not found/.test(message)) return 'ss was not found on the host: install iproute2';
  if (/failed to execute nsenter\b|\bnsenter: (?:\d+: )?not found/.test(message)) return 'nsenter was not found on the host: install util-linux';
  return `ss -x failed: ${message}`;
}

function checkNamespace(ctx: CheckContext, tables: NetNamespaceTables, extUnixSk: boolean): OutsidePeer[] {
  const unixFile = `/proc/${tables.pid}/net/unix`;
  const byInode = new Map<string, UnixSocket>();
  if (tables.unix !== undefined) {
    const table = parseUnixTable(tables.unix);
    ctx.reportIssues(unixFile, table.issues);
    for (const socket of table.sockets) byInode.set(socket.inode, socket);
  }
  if (tables.ssUnix === undefined) {
    const connected = [...byInode.values()].filter((socket) => socket.state === 'connected' && ctx.socketOwners.has(socket.inode));
    const count = connected.length > 0 ? `${plural(connected.length, 'connected unix socket')} of the container ${connected.length === 1 ? 'was' : 'were'}` : 'unix sockets were';
    const cause = ssFailureCause(tables.unreadable?.['ss -x']);
    ctx.skip('unix-sockets', `${cause}. ${count} not checked for outside peers in net namespace ${tables.ns}, because /proc/net/unix shows no peer`);
    return [];
  }

  const ssFile = `ss -x -a -n (net namespace of pid ${tables.pid})`;
  const peers = parseSsUnix(tables.ssUnix);
  ctx.reportIssues(ssFile, peers.issues);
  const byLocalInode = new Map<string, UnixPeer>();
  for (const socket of peers.sockets) byLocalInode.set(socket.inode, socket);

  const outside: OutsidePeer[] = [];
  // An in-flight connection has no peer inode either, but CRIU finds it in the queue of a listener
  // of the dump, so a stream socket without a peer is dangling only when no own listener has a queue.
  const queued = peers.sockets.some((socket) => socket.state === 'LISTEN' && socket.recvQ > 0 && ctx.socketOwners.has(socket.inode));
  for (const socket of peers.sockets) {
    const owners = ctx.socketOwners.get(socket.inode);
    if (owners === undefined || socket.peerInode !== null || socket.state !== 'ESTAB' || socket.netid === 'u_dgr') continue;
    if (queued) {
      ctx.skip('unix-sockets', `socket:[${socket.inode}] is a connected ${socket.netid} socket without a peer inode, and a listener of the container has queued connections, so whether CRIU finds its peer ("Dangling connection") is unknown`);
      continue;
    }
    const evidence = owners.map((owner) => ({
      text: `pid ${owner.pid} fd ${owner.fd} -> socket:[${socket.inode}] ${socket.netid} ESTAB ${socket.localName ?? '(no name)'} peer 0`,
      pid: owner.pid,
      fd: owner.fd,
      inode: socket.inode,
      source: { file: ssFile, line: socket.line },
    }));
    outside.push({ outcome: 'dangling', socket, peer: undefined, evidence });
  }
  for (const socket of peers.sockets) {
    const owners = ctx.socketOwners.get(socket.inode);
    if (owners === undefined || socket.peerInode === null || ctx.socketOwners.has(socket.peerInode)) continue;
    const peer = byLocalInode.get(socket.peerInode);
    const name = socket.localName ?? byInode.get(socket.inode)?.path ?? null;
    const where = peer === undefined ? 'in another network namespace' : `outside the container${peer.localName ? ` (${peer.localName})` : ''}`;
    const evidence = owners.map((owner) => {
      const item: Evidence = {
        text: `pid ${owner.pid} fd ${owner.fd} -> socket:[${socket.inode}] ${socket.netid} ${name ?? '(no name)'} peer socket:[${socket.peerInode}] ${where}`,
        pid: owner.pid,
        fd: owner.fd,
        inode: socket.inode,
        source: { file: ssFile, line: socket.line },
      };
      if (name !== null && name.startsWith('/')) item.path = name;
      return item;
    });
    outside.push({ outcome: outcomeOf(peer, extUnixSk), socket, peer, evidence });
  }
  return outside;
}

export const unixSocketsCheck: Check = {
  name: 'unix-sockets',
  run(ctx) {
    const extUnixSk = extUnixSkEnabled(ctx);
    const outside = ctx.input.net.flatMap((tables) => checkNamespace(ctx, tables, extUnixSk));
    const byOutcome = (outcome: Outcome): OutsidePeer[] => outside.filter((item) => item.outcome === outcome);
    const evidenceOf = (items: OutsidePeer[]): Evidence[] => items.flatMap((item) => item.evidence);
    const findings: PreflightFinding[] = [];

    const noPeer = byOutcome('no-peer');
    if (noPeer.length > 0) {
      const first = noPeer[0].socket;
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'blocks',
          title: `${plural(noPeer.length, 'unix socket')} connected to another network namespace`,
          detail: `CRIU lists unix sockets per network namespace, so it cannot find a peer in another one (for example a host daemon reached through a bind-mounted socket) and fails with "Unix socket ${first.inode} without peer ${first.peerInode}". No option changes this; the application must close the connection before the checkpoint.`,
          evidence: evidenceOf(noPeer),
          fixes: [{ description: 'Close the connection before the checkpoint and reconnect after restore, or run the peer inside the container.' }],
          kbCode: 'unix-socket.peer-in-other-namespace',
        }),
      );
    }
    const external = byOutcome('external');
    if (external.length > 0) {
      // ext-unix-sk lets CRIU past "External socket is used" only for a datagram peer, so a stream
      // peer gets no configuration fix: with it CRIU fails on the half stream connection instead.
      const streamOnly = external.every((item) => item.peer?.netid !== 'u_dgr');
      const streamFixes = [{ description: 'Close the connection before the checkpoint and reconnect after restore, or run the peer inside the container. ext-unix-sk does not help here, because CRIU then fails with "Can\'t dump half of stream unix connection".' }];
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'blocks',
          title: `${plural(external.length, 'unix socket')} connected to a process outside the container`,
          detail: 'CRIU dumps a unix socket whose peer it does not dump only with ext-unix-sk, and fails with "External socket is used" otherwise. podman has no flag for it and crun sends it as false, so only runc with ext-unix-sk in /etc/criu/runc.conf gets past this, and then only for a named datagram peer.',
          evidence: evidenceOf(external),
          ...(streamOnly ? { fixes: streamFixes } : {}),
          kbCode: 'unix-socket.external-socket',
          kbMessage: 'External socket is used. Consider using --ext-unix-sk option.',
        }),
      );
    }
    const halfStream = byOutcome('half-stream');
    if (halfStream.length > 0) {
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'blocks',
          title: `${plural(halfStream.length, 'unix stream connection')} to a process outside the container`,
          detail: 'ext-unix-sk covers datagram peers only: CRIU cannot save one end of a stream connection and fails with "Can\'t dump half of stream unix connection".',
          evidence: evidenceOf(halfStream),
          kbCode: 'unix-socket.half-stream-connection',
          kbMessage: `Can't dump half of stream unix connection. name: ${halfStream[0].socket.localName ?? ''}; peer name: ${halfStream[0].peer?.localName ?? ''}`,
        }),
      );
    }
    const nameless = byOutcome('nameless');
    if (nameless.length > 0) {
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'blocks',
          title: `${plural(nameless.length, 'unix datagram socket')} connected to an outside peer without a name`,
          detail: 'With ext-unix-sk CRIU reconnects an outside datagram peer by its name on restore, so it fails on a peer without one ("Can\'t dump name-less external socket").',
          evidence: evidenceOf(nameless),
          kbCode: 'unix-socket.nameless-external',
          kbMessage: "Can't dump name-less external socket",
        }),
      );
    }
    const dangling = byOutcome('dangling');
    if (dangling.length > 0) {
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'blocks',
          title: `${plural(dangling.length, 'connected unix stream socket')} without a peer`,
          detail: `The kernel reports no peer for these connected sockets: typically a connection to a listener outside the container that has not accepted it. CRIU 4.1.1 dumps such a socket only when it is shut down in both directions and fails otherwise with "Dangling connection ${dangling[0].socket.inode}". The preflight cannot see the shutdown state.`,
          evidence: evidenceOf(dangling),
          kbCode: 'unix-socket.dangling-connection',
          kbMessage: `Dangling connection ${dangling[0].socket.inode}`,
        }),
      );
    }
    const fine = byOutcome('fine');
    if (fine.length > 0) {
      findings.push(
        makeFinding(ctx, 'unix-sockets', {
          category: 'unix-socket',
          verdict: 'fine',
          title: `${plural(fine.length, 'unix datagram socket')} connected to a named outside peer`,
          detail: 'ext-unix-sk is set in the configuration file the runtime makes CRIU read, so CRIU dumps these sockets and reconnects them by name on restore.',
          evidence: evidenceOf(fine),
        }),
      );
    }
    return findings;
  },
};
