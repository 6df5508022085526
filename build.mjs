// Bundle the extension, the CLI, the webview script and the in-host test suite with esbuild.
//
//   node build.mjs                 development build with sourcemaps, including the in-host suite
//   node build.mjs --production    minified, no sourcemaps, without the in-host suite
//   node build.mjs --watch         development build, rebuilt on every change
//
// Outputs: dist/extension.js, dist/cli.js, dist/webview.js and dist/test/inhost/index.js.
import { chmod, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const packageVersion = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')).version;
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

for (const arg of args) {
  if (!['--production', '--watch'].includes(arg)) {
    console.error(`build.mjs: unknown option ${arg} (expected --production or --watch)`);
    process.exit(2);
  }
}

/** Options shared by every bundle. */
const common = {
  bundle: true,
  absWorkingDir: repoRoot,
  minify: production,
  sourcemap: !production,
  logLevel: 'info',
  legalComments: 'none',
};

/** Options shared by the bundles that run in Node: the extension host, the CLI and the suite. */
const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
};

/** Set the executable bit on dist/cli.js after each build, so `npm link` and `./dist/cli.js` work. */
const makeCliExecutable = {
  name: 'make-cli-executable',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length === 0) {
        await chmod(path.join(repoRoot, 'dist/cli.js'), 0o755);
      }
    });
  },
};

/**
 * Build the source of the in-host suite entry. It imports `runSuite` from test/inhost/index.ts
 * and passes it a loader that `require`s every test/inhost/*.test.ts. esbuild turns each such
 * `require` of an ES module into a lazy initializer, so the test files run only after index.ts
 * has installed mocha's `describe`/`it` globals.
 */
async function inhostEntrySource() {
  const dir = path.join(repoRoot, 'test/inhost');
  const testFiles = (await readdir(dir)).filter((name) => name.endsWith('.test.ts')).sort();
  const requires = testFiles
    .map((name) => `  loadTestFile(${JSON.stringify(name)}, () => require(${JSON.stringify(`./${name}`)}));`)
    .join('\n');
  return [
    `import { runSuite } from './index';`,
    `export function run() {`,
    `  return runSuite((loadTestFile) => {`,
    requires,
    `  });`,
    `}`,
    '',
  ].join('\n');
}

const builds = [
  {
    ...nodeCommon,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
  {
    ...nodeCommon,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    // `checkpoint-lens --version` prints the version of package.json.
    define: { CHECKPOINT_LENS_VERSION: JSON.stringify(packageVersion) },
    plugins: [makeCliExecutable],
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
];

if (!production) {
  builds.push({
    ...nodeCommon,
    stdin: {
      contents: await inhostEntrySource(),
      resolveDir: path.join(repoRoot, 'test/inhost'),
      sourcefile: 'test/inhost/entry.generated.ts',
      loader: 'ts',
    },
    outfile: 'dist/test/inhost/index.js',
    external: ['vscode'],
    // Mocha reaches its ESM loader and its parallel-mode worker through dynamic import() and
    // require.resolve(); the suite uses neither, because it loads bundled files serially.
    logOverride: {
      'unsupported-dynamic-import': 'silent',
      'unsupported-require-call': 'silent',
      'require-resolve-not-external': 'silent',
    },
  });
}

if (watch) {
  // NOTE: the in-host entry lists the test files once at start; restart the watch to pick up a new one.
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('build.mjs: watching for changes (Ctrl-C to stop)');
} else {
  const results = await Promise.allSettled(builds.map((options) => esbuild.build(options)));
  const failed = results.filter((result) => result.status === 'rejected');
  if (failed.length > 0) {
    // esbuild has already printed each error with its file and line.
    console.error(`build.mjs: ${failed.length} of ${builds.length} bundles failed`);
    process.exit(1);
  }
}
