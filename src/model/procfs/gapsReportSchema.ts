import { z } from 'zod';

/**
 * Schema of `checkpoint-lens gaps --json`, the contract that scripts rely on. It describes the
 * GapReport of analyzeGaps.ts as JSON.stringify prints it, plus `otherProcesses` when the snapshot
 * has more than one process. Objects are strict, so a field added to the report fails the unit test
 * that validates real output until the schema names it. `docs/gaps-report.schema.json` is generated
 * from this schema.
 */
const hex = z.string().regex(/^[0-9a-f]{1,16}$/);
const addressRange = z.string().regex(/^[0-9a-f]{1,16}-[0-9a-f]{1,16}$/);
const decimal = z.string().regex(/^\d{1,20}$/);
const mountId = z.number().int().nonnegative();
const tableName = z.enum(['container', 'runtime', 'host']);
const mountIdSource = z.enum(['fdinfo', 'map_files', 'log', 'device', 'path', 'link']);

const placement = z.strictObject({
  where: z.enum(['container', 'runtime', 'host', 'detached', 'unknown', 'none']),
  mntId: mountId.nullable(),
  mntIdSource: mountIdSource.nullable(),
  fallback: z.boolean(),
  mount: z
    .strictObject({
      table: tableName,
      mountPoint: z.string(),
      root: z.string(),
      fsType: z.string(),
      source: z.string(),
    })
    .nullable(),
  reason: z.string().min(1),
});

const mount = z.strictObject({
  table: tableName,
  mountId,
  parentId: mountId,
  /** Major and minor number in decimal, e.g. `254:0`. */
  device: z.string().regex(/^\d+:\d+$/),
  root: z.string(),
  mountPoint: z.string(),
  fsType: z.string(),
  source: z.string(),
  isBindMount: z.boolean(),
});

const mapping = z.strictObject({
  start: hex,
  end: hex,
  perms: z.string().regex(/^[r-][w-][x-][ps]$/),
  offset: hex,
  /** Major and minor number in hex, as maps prints them, e.g. `fe:00`. */
  device: z.string().regex(/^[0-9a-f]{1,8}:[0-9a-f]{1,8}$/),
  major: z.number().int().nonnegative(),
  minor: z.number().int().nonnegative(),
  inode: decimal,
  path: z.string(),
  deleted: z.boolean(),
  kind: z.enum(['file', 'anonymous', 'heap', 'stack', 'vdso', 'vvar', 'vsyscall', 'anon-named', 'memfd', 'shmem', 'special']),
  placement,
});

const fd = z.strictObject({
  fd: z.number().int().nonnegative().nullable(),
  target: z.string().nullable(),
  targetKind: z.enum(['path', 'pipe', 'socket', 'anon_inode', 'other', 'unknown']),
  path: z.string().nullable(),
  deleted: z.boolean(),
  pos: z.string().nullable(),
  flags: z.string().nullable(),
  mntId: mountId.nullable(),
  ino: z.string().nullable(),
  placement,
});

const gap = z.strictObject({
  kind: z.enum(['mapping', 'fd', 'exe', 'cwd']),
  pid: z.number().int().positive().nullable(),
  path: z.string().nullable(),
  mntId: mountId.nullable(),
  mntIdSource: mountIdSource.nullable(),
  where: z.enum(['runtime', 'host', 'detached', 'unknown']),
  fallback: z.boolean(),
  deleted: z.boolean(),
  fd: z.number().int().nullable().optional(),
  ranges: z.array(addressRange).optional(),
  device: z.string().optional(),
  inode: z.string().optional(),
  owner: z.enum(['runtime-binary', 'runtime-library', 'host-file', 'unknown']),
  ownerText: z.string().min(1),
  reason: z.string().min(1),
  logLine: z.number().int().positive().optional(),
  logMessage: z.string().optional(),
  advice: z.array(z.strictObject({ action: z.string().min(1), status: z.enum(['removes-cause', 'unverified', 'next-step']) })),
  verdict: z.string().nullable(),
  fromLogOnly: z.boolean().optional(),
});

const idNeighbour = z.strictObject({ id: mountId, table: tableName }).nullable();

const idGap = z.strictObject({
  from: mountId,
  to: mountId,
  below: idNeighbour,
  above: idNeighbour,
  referencedIds: z.array(mountId),
  note: z.string().min(1),
});

const issue = z.strictObject({
  line: z.number().int().positive(),
  reason: z.string().min(1),
  /** The line as read. Lines of mountinfo and maps longer than 200 characters are cut and end in `…`. */
  text: z.string(),
  input: z.string().min(1),
});

/** The report of one process. */
export const gapReportSchema = z.strictObject({
  pid: z.number().int().positive().nullable(),
  mounts: z.array(mount),
  mappings: z.array(mapping),
  fds: z.array(fd),
  gaps: z.array(gap),
  idGaps: z.array(idGap),
  issues: z.array(issue),
  notes: z.array(z.string()),
});

/** The whole output: the first process's report, and the others' when the snapshot has several. */
export const gapsReportSchema = gapReportSchema.extend({
  otherProcesses: z.array(gapReportSchema).optional(),
});
