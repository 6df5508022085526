/** All checks, in the order their findings are listed within one verdict. */
import type { Check } from '../finding';
import { anonInodesCheck } from './anonInodes';
import { autoRemoveCheck } from './autoRemove';
import { bpfMapsCheck } from './bpfMaps';
import { charDevicesCheck } from './charDevices';
import { criuCheckCheck } from './criuCheck';
import { deviceBindMountsCheck } from './deviceBindMounts';
import { fileLocksCheck } from './fileLocks';
import { fsnotifyCheck } from './fsnotify';
import { ghostFilesCheck } from './ghostFiles';
import { inetSocketsCheck } from './inetSockets';
import { ioUringCheck } from './ioUring';
import { mappingGapsCheck } from './mappingGaps';
import { memfdCheck } from './memfd';
import { nestedNamespacesCheck } from './nestedNamespaces';
import { netlinkSocketsCheck } from './netlinkSockets';
import { preCheckpointCheck } from './preCheckpoint';
import { rootfulCheck } from './rootful';
import { rseqCheck } from './rseq';
import { runtimeSupportCheck } from './runtimeSupport';
import { seccompCheck } from './seccomp';
import { sharedNamespacesCheck } from './sharedNamespaces';
import { ttyCheck } from './tty';
import { unixSocketsCheck } from './unixSockets';
import { unmatchedSocketsCheck } from './unmatchedSockets';
import { vdsoCheck } from './vdso';

export const CHECKS: readonly Check[] = [
  rootfulCheck,
  runtimeSupportCheck,
  criuCheckCheck,
  vdsoCheck,
  preCheckpointCheck,
  autoRemoveCheck,
  sharedNamespacesCheck,
  ttyCheck,
  mappingGapsCheck,
  deviceBindMountsCheck,
  inetSocketsCheck,
  unixSocketsCheck,
  netlinkSocketsCheck,
  unmatchedSocketsCheck,
  fileLocksCheck,
  fsnotifyCheck,
  ioUringCheck,
  bpfMapsCheck,
  anonInodesCheck,
  charDevicesCheck,
  ghostFilesCheck,
  memfdCheck,
  nestedNamespacesCheck,
  seccompCheck,
  rseqCheck,
];
