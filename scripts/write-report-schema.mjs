// Write docs/explain-report.schema.json (JSON Schema of `checkpoint-lens explain --json`) from the
// zod schema in src/model/reportSchema.ts. Run: node --import tsx scripts/write-report-schema.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

import { explainReportSchema } from '../src/model/reportSchema.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = { title: 'checkpoint-lens explain --json', ...z.toJSONSchema(explainReportSchema) };
writeFileSync(join(root, 'docs', 'explain-report.schema.json'), JSON.stringify(schema, null, 2) + '\n');
