/**
 * TCP and UDP sockets of the container, from /proc/PID/net/{tcp,tcp6,udp,udp6} matched to the
 * `socket:[INODE]` fds of its processes.
 *
 * - Linux 6.16 and later accept SO_PASSCRED and SO_PASSSEC only on unix, netlink and Bluetooth
 *   sockets. CRIU before 4.2 reads both on every socket it dumps and fails on the first inet
 *   socket; CRIU 4.2 (commit "criu/sockets: Restrict SO_PASSCRED and SO_PASSSEC to supported
 *   families") reads them only where the kernel allows.
 * - CRIU 4.1.1 (criu/sk-inet.c, can_dump_inet_sk) dumps a connected TCP socket (ESTABLISHED,
 *   SYN_SENT, FIN_WAIT1/2, CLOSE_WAIT, LAST_ACK, CLOSING) only with --tcp-established, and fails on
 *   a listening socket that has connections waiting for accept() ("In-flight connection").
 */
import type { CheckContext } from '../context';
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import { type InetProtocol, type InetSocket, parseInetTable } from '../proc/netInet';
import type { Evidence, NetNamespaceTables, PreflightFinding } from '../types';
import { atLeast, kernelRelease, olderThan } from '../versions';

const PROTOCOLS: InetProtocol[] = ['tcp', 'tcp6', 'udp', 'udp6'];
const CONNECTED_TCP_STATES = new Set([1, 2, 4, 5, 8, 9, 11]);
const TCP_LISTEN = 10;

interface OwnedSocket {
  socket: InetSocket;
  evidence: Evidence;
}

function collectSockets(ctx: CheckContext, tables: NetNamespaceTables): OwnedSocket[] {
  const owned: OwnedSocket[] = [];
  for (const protocol of PROTOCOLS) {
    const file = `/proc/${tables.pid}/net/${protocol}`;
    const text = tables[protocol];
    if (text === undefined) {
      const reason = tables.unreadable?.[protocol];
      ctx.skip('inet-sockets', `${file} was not read${reason ? `: ${reason}` : ''}`);
      continue;
    }
    const table = parseInetTable(text, protocol);
    ctx.reportIssues(file, table.issues);
    for (const socket of table.sockets) {
      const owners = ctx.socketOwners.get(socket.inode);
      if (socket.inode === '0' || owners === undefined) continue;
      // UDP reuses the TCP state numbers: 1 (ESTABLISHED) means connected, 7 (CLOSE) unconnected.
      let shownState = socket.stateName;
      if (protocol.startsWith('udp')) shownState = socket.state === 1 ? 'connected' : 'unconnected';
      for (const owner of owners) {
        owned.push({
          socket,
          evidence: {
            text: `pid ${owner.pid} fd ${owner.fd} -> socket:[${socket.inode}] ${protocol} ${socket.local} -> ${socket.remote} ${shownState}`,
            pid: owner.pid,
            fd: owner.fd,
            inode: socket.inode,
            source: { file, line: socket.line },
          },
        });
      }
    }
  }
  return owned;
}

/** Counts sockets by protocol for a title, e.g. `2 TCP sockets and 1 UDP socket`. */
function countByProtocol(sockets: OwnedSocket[]): string {
  const parts: string[] = [];
  for (const [prefix, name] of [['tcp', 'TCP'], ['udp', 'UDP']] as const) {
    const count = sockets.filter((item) => item.socket.protocol.startsWith(prefix)).length;
    if (count > 0) parts.push(`${count} ${name} socket${count === 1 ? '' : 's'}`);
  }
  return parts.join(' and ');
}

export const inetSocketsCheck: Check = {
  name: 'inet-sockets',
  run(ctx) {
    const owned = ctx.input.net.flatMap((tables) => collectSockets(ctx, tables));
    if (owned.length === 0) return [];
    const { host } = ctx.input;
    const findings: PreflightFinding[] = [];

    const kernelRejectsPasscred = atLeast(kernelRelease(host.kernel), '6.16');
    if (kernelRejectsPasscred && host.criuVersion === undefined) {
      ctx.skip('inet-sockets', `kernel ${host.kernel} rejects SO_PASSCRED on inet sockets, which fails CRIU before 4.2, but the CRIU version is unknown`);
    }
    if (kernelRejectsPasscred && olderThan(host.criuVersion, '4.2')) {
      return [
        makeFinding(ctx, 'inet-sockets', {
          category: 'tcp',
          verdict: 'blocks',
          title: `${countByProtocol(owned)} with CRIU ${host.criuVersion} on Linux ${kernelRelease(host.kernel)}`,
          detail: `Linux 6.16 and later reject SO_PASSCRED and SO_PASSSEC on TCP and UDP sockets. CRIU ${host.criuVersion} reads both on every socket, so the dump fails on the first inet socket with "Can't get 1:16 opt: Operation not supported", whatever the state of the socket or the options given. CRIU 4.2 reads them only on unix and netlink sockets.`,
          evidence: owned.map((item) => item.evidence),
          kbCode: 'tcp.passcred-rejected-by-kernel',
          kbMessage: "Can't get 1:16 opt: Operation not supported",
        }),
      ];
    }

    const tcp = owned.filter((item) => item.socket.protocol.startsWith('tcp'));
    const connected = tcp.filter((item) => CONNECTED_TCP_STATES.has(item.socket.state));
    const inFlight = tcp.filter((item) => item.socket.state === TCP_LISTEN && item.socket.rxQueue > 0);
    const listening = tcp.filter((item) => item.socket.state === TCP_LISTEN && item.socket.rxQueue === 0);
    const udp = owned.filter((item) => item.socket.protocol.startsWith('udp'));

    if (connected.length > 0) {
      findings.push(
        makeFinding(ctx, 'inet-sockets', {
          category: 'tcp',
          verdict: 'needs-flag',
          flag: 'tcpEstablished',
          title: `${plural(connected.length, 'established TCP connection')}`,
          detail: 'CRIU saves a connected TCP socket with the kernel\'s TCP repair mode only when asked with --tcp-established; without it the dump fails with "Connected TCP socket, consider using --tcp-established option". Restore needs the flag too, and the same IP addresses.',
          evidence: connected.map((item) => item.evidence),
          kbCode: 'tcp.established-needs-option',
          kbMessage: 'Connected TCP socket, consider using --tcp-established option.',
        }),
      );
    }
    if (inFlight.length > 0) {
      const first = inFlight[0].socket;
      findings.push(
        makeFinding(ctx, 'inet-sockets', {
          category: 'tcp',
          verdict: 'blocks',
          title: `${inFlight.length} listening socket${inFlight.length === 1 ? ' has' : 's have'} connections waiting for accept()`,
          detail: `The accept queue of a listening socket is not empty (rx_queue ${first.rxQueue} on ${first.local}). CRIU cannot save connections that were not accepted yet and fails with "In-flight connection (l)". podman has no flag for CRIU's skip-in-flight option, which drops them, but a CRIU configuration file can set it, as the CRIU configuration section of this report shows. The queue changes from moment to moment, so a retry can pass.`,
          evidence: inFlight.map((item) => item.evidence),
          kbCode: 'tcp.in-flight-connection',
          kbMessage: `In-flight connection (l) for ${Number(first.inode).toString(16)}`,
        }),
      );
    }
    if (listening.length > 0) {
      findings.push(
        makeFinding(ctx, 'inet-sockets', {
          category: 'tcp',
          verdict: 'fine',
          title: `${plural(listening.length, 'listening TCP socket')}`,
          detail: 'CRIU dumps a listening socket and binds it again on restore; it needs no flag.',
          evidence: listening.map((item) => item.evidence),
        }),
      );
    }
    if (udp.length > 0) {
      findings.push(
        makeFinding(ctx, 'inet-sockets', {
          category: 'tcp',
          verdict: 'fine',
          title: `${plural(udp.length, 'UDP socket')}`,
          detail: 'CRIU dumps UDP sockets without a flag; it drops their queued datagrams and fails only on a datagram being assembled with UDP_CORK, which /proc does not show.',
          evidence: udp.map((item) => item.evidence),
        }),
      );
    }
    return findings;
  },
};
