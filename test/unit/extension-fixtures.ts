// Hand-built analyses for the unit tests of src/extension, shaped like the analysis of the wasm
// dump log (a crun + wasmedge container whose dump fails on a mapping of `/`).
import type { Analysis, Finding, LogRecord } from '../../src/model/types';

export function record(line: number, message: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { line, endLine: line, level: 'error', origin: 'criu', column: 12, lineLength: 80, message, ...extra };
}

const SEVERITY_BY_ROLE: Record<Finding['role'], Finding['severity']> = {
  'root-cause': 'error',
  'other-cause': 'warning',
  'follow-on': 'information',
  benign: 'hint',
};

export function finding(role: Finding['role'], rec: LogRecord, extra: Partial<Finding> = {}): Finding {
  return {
    record: rec,
    code: `test.${role}`,
    category: 'unknown',
    title: `Title of ${role}`,
    role,
    severity: SEVERITY_BY_ROLE[role],
    explanation: { explanation: `Explanation of ${role}.`, causes: [], fixes: [] },
    related: [],
    ...extra,
  };
}

export function wasmDumpAnalysis(): Analysis {
  const collect = finding('follow-on', record(339, 'Collect mappings (pid: 23349) failed with -1', { location: { file: 'criu/cr-dump.c', line: 1570 } }));
  const failed = finding('follow-on', record(344, 'Dumping FAILED.', { location: { file: 'criu/cr-dump.c', line: 2111 } }));
  const rootCause = finding(
    'root-cause',
    record(338, "Can't lookup mount=174 for fd=-3 path=/", { location: { file: 'criu/files-reg.c', line: 1790 }, lineLength: 84 }),
    {
      code: 'mount-lookup.mnt-id-not-in-namespace',
      category: 'mount-lookup',
      title: 'A mapped file lives on a mount outside the container',
      explanation: {
        explanation: 'fd=-3 means the file is a memory mapping, not an open file descriptor. Mount 174 is not in the container.',
        causes: ['The runtime (crun with wasmedge) maps its own binary from the host.', 'A bind mount was removed.'],
        fixes: [
          { description: 'Checkpoint with the runtime that keeps the binary inside the container.', command: 'podman container checkpoint --runtime runc <container>', podmanFlag: '--runtime' },
          { description: 'Tell CRIU to treat the mount as external.', criuOption: 'external', configSnippet: 'external mnt[]:sm' },
        ],
      },
      related: [collect.record, failed.record],
    },
  );
  const benign = finding('benign', record(17, "rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted", { location: { file: 'criu/util.c', line: 1533 } }), {
    code: 'rlimit.nofile-self',
    category: 'rlimit',
  });
  return {
    facts: { logKind: 'dump', criuVersion: '4.1.1', kernel: '6.18.44-fc-v1252', pid: 23349, comm: 'wasmedge' },
    outcome: 'failed',
    rootCause,
    findings: [benign, rootCause, collect, failed],
    phases: [
      { line: 15, title: 'Dumping processes (pid: 23349 comm: wasmedge)', pid: 23349 },
      { line: 330, title: 'Dumping task (pid: 23349 comm: wasmedge)', pid: 23349 },
      { line: 335, title: 'Collecting mappings (pid: 23349)', pid: 23349 },
    ],
    lineCount: 344,
    recognizedLineCount: 344,
    droppedRecordCount: 0,
  };
}
