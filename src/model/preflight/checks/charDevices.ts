/**
 * Character devices open in the container. CRIU 4.1.1 (criu/files.c, dump_chrdev) dumps the memory
 * devices (/dev/null, /dev/zero, /dev/urandom, …) as plain files, terminals, /dev/net/tun and
 * autofs, and fails on any other character device ("Can't dump file N of that type (chr MAJ:MIN)").
 * GPUs need a CRIU plugin (cuda for NVIDIA, amdgpu for AMD).
 *
 * NOTE: the fd listing gives paths, not device numbers, so devices are recognized by their usual
 * /dev names, and a device under another name is reported as unclassified in `skipped`.
 */
import type { Check } from '../finding';
import { makeFinding, plural } from '../finding';
import type { Evidence } from '../types';

/** Devices CRIU dumps: the memory devices, terminals, tun and autofs. */
const SUPPORTED = /^\/dev\/(null|zero|full|random|urandom|kmsg|port|mem|tty\d*|console|ptmx|pts\/\d+|pts\/ptmx|ttyS\d+|net\/tun|autofs)$/;

/** Paths under /dev that are no character devices: tmpfs and mqueue mounts and files bind-mounted there. */
const NOT_A_DEVICE = /^\/dev\/(shm|mqueue|hugepages)(\/|$)|^\/dev\/termination-log$|^\/dev\/?$|^\/dev\/pts\/?$/;

/** Devices that CRIU cannot dump without a plugin or at all, with what to do. */
const KNOWN_UNSUPPORTED: { pattern: RegExp; what: string; major: string }[] = [
  { pattern: /^\/dev\/nvidia/, what: 'an NVIDIA GPU device (needs CRIU\'s cuda plugin, CRIU 4.0 or later)', major: '195' },
  { pattern: /^\/dev\/(kfd|dri\/)/, what: 'a GPU device (AMD GPUs need CRIU\'s amdgpu plugin)', major: '226' },
  { pattern: /^\/dev\/(kvm|fuse|vhost-|vfio\/|infiniband\/|snd\/|video|input\/|hidraw|i2c-|watchdog|sg\d|bus\/usb\/|userfaultfd|loop-control|mapper\/control|cpu\/|uinput)/, what: 'a device CRIU has no dump code for', major: '0' },
];

export const charDevicesCheck: Check = {
  name: 'char-devices',
  run(ctx) {
    const evidence: Evidence[] = [];
    const whats = new Set<string>();
    let major = '0';
    for (const process of ctx.processes) {
      for (const entry of process.fds) {
        const path = entry.target.endsWith(' (deleted)') ? entry.target.slice(0, -' (deleted)'.length) : entry.target;
        if (!path.startsWith('/dev/') || SUPPORTED.test(path) || NOT_A_DEVICE.test(path)) continue;
        const known = KNOWN_UNSUPPORTED.find((candidate) => candidate.pattern.test(path));
        if (!known) {
          ctx.skip('char-devices', `pid ${process.pid} fd ${entry.fd} -> ${path}: not a device name the preflight knows; check whether CRIU can dump it`);
          continue;
        }
        if (evidence.length === 0) major = known.major;
        whats.add(known.what);
        evidence.push({ text: `pid ${process.pid} fd ${entry.fd} -> ${path}`, pid: process.pid, fd: entry.fd, path, source: { file: `/proc/${process.pid}/fd/${entry.fd}` } });
      }
    }
    if (evidence.length === 0) return [];
    return [
      makeFinding(ctx, 'char-devices', {
        category: 'device-file',
        verdict: 'blocks',
        title: `${plural(evidence.length, 'device file')} CRIU cannot dump`,
        detail: `CRIU dumps memory devices, terminals, tun and autofs, and fails on other character devices. Open here: ${[...whats].join('; ')}.`,
        evidence,
        kbCode: 'device-file.unsupported-char-device',
        kbMessage: `Can't dump file ${evidence[0].fd} of that type [20000] (chr ${major}:0)`,
      }),
    ];
  },
};
