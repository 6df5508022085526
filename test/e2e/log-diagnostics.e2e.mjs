// Walk: open the wasm sample's dump.log (CRIU 4 on crun + WasmEdge, `Can't lookup mount=...`)
// and check what the extension shows for it.
//
// A walk exports a default async function that receives `{ workbench, step }` (see
// test/e2e/workbench.mjs) on a freshly loaded workbench with the sample workspace open.
// Each `step` prints PASS or FAIL and is counted by scripts/run-e2e.mjs.

/** Workspace path of the log, as made by scripts/make-sample-workspace.mjs. */
const wasmDumpLog = 'wasm-crun-wasmedge/dump.log';

export default async function walk({ workbench, step }) {
  const opened = await step('open wasm dump.log from the explorer', async () => {
    await workbench.openFromExplorer(wasmDumpLog);
    await workbench.screenshot('01-dump-log');
    return { language: await workbench.editorLanguage() };
  });
  if (!opened) {
    return;
  }

  await step('jump to the first CRIU error line', async () => {
    const line = await workbench.findText('Error (');
    await workbench.goToLine(line);
    await workbench.screenshot('02-first-error');
    return { line };
  });
}
