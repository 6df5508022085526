// Mocha runner for the in-host suite. VS Code loads the bundle dist/test/inhost/index.js inside
// the extension host (the workbench `extensionTestsPath`) and awaits its `run()`, which build.mjs
// generates around `runSuite` with one `require` per test/inhost/*.test.ts.
//
// Environment (set through the workbench `extensionEnvironment`, see scripts/run-inhost.mjs):
//   CHECKPOINT_LENS_INHOST_RESULT  file that receives {"passed","failed","pending","failures":[...]} as JSON
//   CHECKPOINT_LENS_INHOST_GREP    run only the tests whose full title matches this regular expression
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

/** Summary written to CHECKPOINT_LENS_INHOST_RESULT. */
export interface InhostResult {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
}

/** Loads one test file; `load` evaluates the bundled module. */
export type LoadTestFile = (name: string, load: () => unknown) => void;

/**
 * Run every test file that `loadTestFiles` loads under mocha's BDD interface and print the line
 * `in-host: N passed, N failed`. Rejects when a test fails, so VS Code reports exit code 1.
 */
export function runSuite(loadTestFiles: (loadTestFile: LoadTestFile) => void): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 20_000 });
  const grep = process.env.CHECKPOINT_LENS_INHOST_GREP;
  if (grep) {
    mocha.grep(new RegExp(grep));
  }

  // Mocha normally installs describe/it while it requires each file. The files are bundled
  // here instead, so emit mocha's file events around each module's evaluation ourselves.
  loadTestFiles((name, load) => {
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, name, mocha);
    const exports = load();
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_REQUIRE, exports, name, mocha);
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, name, mocha);
  });

  return new Promise((resolve, reject) => {
    const failures: InhostResult['failures'] = [];
    const runner = mocha.run((failedCount) => {
      const result: InhostResult = {
        passed: runner.stats?.passes ?? 0,
        failed: failedCount,
        pending: runner.stats?.pending ?? 0,
        failures,
      };
      console.log(`in-host: ${result.passed} passed, ${result.failed} failed`);

      const resultFile = process.env.CHECKPOINT_LENS_INHOST_RESULT;
      if (resultFile) {
        writeFileSync(resultFile, JSON.stringify(result, null, 2) + '\n');
      }

      if (failedCount > 0) {
        reject(new Error(`${failedCount} in-host test(s) failed`));
      } else {
        resolve();
      }
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error: Error) => {
      failures.push({ title: test.fullTitle(), error: String(error?.stack ?? error) });
    });
  });
}
