import { z } from 'zod';

import { CATEGORIES } from '../categories';
import { PREFLIGHT_REPORT_VERSION } from './types';

/**
 * Schema of the preflight report (PreflightReport in types.ts) as JSON.stringify prints it, the
 * contract that the CLI's JSON output and the VS Code view share. Objects are strict, so a field
 * added to the report fails the unit test that validates real reports until the schema names it.
 * `docs/preflight-report.schema.json` is generated from this schema.
 */
const line = z.number().int().positive();
const flag = z.enum(['tcpEstablished', 'fileLocks']);

const fix = z.strictObject({
  description: z.string().min(1),
  command: z.string().optional(),
  criuOption: z.string().optional(),
  configSnippet: z.string().optional(),
  podmanFlag: z.string().optional(),
});

const evidence = z.strictObject({
  text: z.string().min(1),
  pid: z.number().int().nonnegative().optional(),
  fd: z.number().int().optional(),
  /** A mapping's `start-end` range in lower-case hex. */
  range: z.string().regex(/^[0-9a-f]{1,16}-[0-9a-f]{1,16}$/).optional(),
  path: z.string().optional(),
  mntId: z.number().int().nonnegative().optional(),
  /** Socket or file inode in decimal. */
  inode: z.string().regex(/^\d{1,20}$/).optional(),
  source: z.strictObject({ file: z.string().min(1), line: line.optional() }).optional(),
});

const finding = z.strictObject({
  check: z.string().min(1),
  category: z.enum(CATEGORIES),
  verdict: z.enum(['blocks', 'needs-flag', 'fine']),
  title: z.string().min(1),
  detail: z.string().min(1),
  evidence: z.array(evidence),
  flag: flag.optional(),
  fixes: z.array(fix),
  kbCode: z.string().regex(/^[a-z-]+\.[a-z0-9-]+$/).optional(),
});

export const preflightReportSchema = z.strictObject({
  version: z.literal(PREFLIGHT_REPORT_VERSION),
  verdict: z.enum(['will-fail', 'needs-flags', 'should-work']),
  container: z.strictObject({ name: z.string(), id: z.string(), runtime: z.string().optional() }),
  host: z.strictObject({ name: z.string(), kernel: z.string().optional(), criuVersion: z.string().optional(), podmanVersion: z.string().optional() }),
  findings: z.array(finding),
  flags: z.array(flag),
  /** argv of the podman command, without the host's command prefix. */
  command: z.array(z.string()).min(4),
  criuConfig: z.array(z.strictObject({ file: z.string().regex(/^\//, 'must be an absolute path'), snippet: z.string().min(1), reason: z.string().min(1) })),
  skipped: z.array(z.strictObject({ check: z.string().min(1), reason: z.string().min(1) })),
  /** False when a check in `skipped` could not run, so the verdict holds only as far as checked. */
  complete: z.boolean().optional(),
  inputIssues: z.array(z.strictObject({ file: z.string().min(1), line, reason: z.string().min(1) })).optional(),
  collectedAt: z.string().optional(),
});
