// Preloaded with `node --require` by the benchmark. At exit it prints the process's peak RSS and the
// time since this file was loaded, which is after Node's own start-up, so the benchmark can report
// the analysis with and without that start-up. The measured program is not changed.
const loadedAt = process.hrtime.bigint();
process.on('exit', () => {
  const sinceLoadMs = Number(process.hrtime.bigint() - loadedAt) / 1e6;
  process.stderr.write(`peak-rss-kib=${process.resourceUsage().maxRSS} after-startup-ms=${sinceLoadMs.toFixed(1)}\n`);
});
