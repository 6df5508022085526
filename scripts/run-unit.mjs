#!/usr/bin/env node
// Run the unit tests (test/unit/**/*.test.ts) with node's test runner and tsx.
//
//   node scripts/run-unit.mjs [--test-reporter=tap] [FILTER...]
//
// Node 20 expands no glob in `node --test` arguments and discovers only .js test files in a
// folder, so this script lists the .ts files itself. FILTER keeps the files whose path contains
// it. Other arguments that start with `--` go to node. The output ends with node's `pass N` and
// `fail N` summary lines.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const unitDir = path.join(repoRoot, 'test/unit');

const nodeOptions = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
if (!nodeOptions.some((option) => option.startsWith('--test-reporter'))) {
  nodeOptions.push('--test-reporter=spec');
}

const files = readdirSync(unitDir, { recursive: true })
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => path.join('test/unit', name))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`run-unit: no test files under ${path.relative(repoRoot, unitDir)} match ${filters.join(', ') || '*.test.ts'}`);
  process.exit(1);
}

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...nodeOptions, ...files], {
  cwd: repoRoot,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
