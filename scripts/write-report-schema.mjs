// Write the JSON Schemas of the CLI's JSON output from their zod schemas:
// docs/explain-report.schema.json (`checkpoint-lens explain --json`, src/model/reportSchema.ts) and
// docs/gaps-report.schema.json (`checkpoint-lens gaps --json`, src/model/procfs/gapsReportSchema.ts) and
// docs/preflight-report.schema.json (the preflight report, src/model/preflight/reportSchema.ts).
// Run: node --import tsx scripts/write-report-schema.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

import { preflightReportSchema } from '../src/model/preflight/reportSchema.ts';
import { gapsReportSchema } from '../src/model/procfs/gapsReportSchema.ts';
import { explainReportSchema } from '../src/model/reportSchema.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = [
  ['explain-report.schema.json', 'checkpoint-lens explain --json', explainReportSchema],
  ['gaps-report.schema.json', 'checkpoint-lens gaps --json', gapsReportSchema],
  ['preflight-report.schema.json', 'checkpoint-lens preflight report', preflightReportSchema],
];
for (const [file, title, zodSchema] of outputs) {
  const schema = { title, ...z.toJSONSchema(zodSchema) };
  writeFileSync(join(root, 'docs', file), JSON.stringify(schema, null, 2) + '\n');
}
