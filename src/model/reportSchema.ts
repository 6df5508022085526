import { z } from 'zod';

import { CATEGORIES } from './categories';

/**
 * Schema of `checkpoint-lens explain --json`, the contract that scripts rely on. The TypeScript types
 * in report.ts and this schema describe the same object; a unit test validates real output with it,
 * and `docs/explain-report.schema.json` is generated from it.
 */
const sourceLocation = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  url: z.string().url(),
});

const fix = z.object({
  description: z.string().min(1),
  command: z.string().optional(),
  criuOption: z.string().optional(),
  configSnippet: z.string().optional(),
  podmanFlag: z.string().optional(),
});

const category = z.enum(CATEGORIES);
const line = z.number().int().positive();

export const explainReportSchema = z.object({
  schemaVersion: z.literal(1),
  file: z.string(),
  criuVersion: z.string().nullable(),
  kernel: z.string().nullable(),
  logKind: z.enum(['dump', 'restore', 'pre-dump', 'terminal', 'unknown']),
  outcome: z.enum(['failed', 'succeeded', 'unknown']),
  referencedLog: z.string().nullable(),
  rootCause: z
    .object({
      line,
      category,
      code: z.string().min(1),
      title: z.string().min(1),
      explanation: z.string().min(1),
      causes: z.array(z.string().min(1)),
      fixes: z.array(fix),
      related: z.array(line),
      message: z.string(),
      sourceLocation: sourceLocation.optional(),
    })
    .nullable(),
  diagnostics: z.array(
    z.object({
      line,
      severity: z.enum(['error', 'warning', 'information', 'hint']),
      category,
      code: z.string().min(1),
      message: z.string(),
      title: z.string().min(1),
      role: z.enum(['root-cause', 'other-cause', 'follow-on', 'benign']),
      sourceLocation: sourceLocation.optional(),
    }),
  ),
  lineCount: z.number().int().nonnegative(),
  recognizedLineCount: z.number().int().nonnegative(),
  droppedRecordCount: z.number().int().nonnegative(),
});
