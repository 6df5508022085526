// Preloaded with `node --require` by the benchmark: prints the process's peak RSS to stderr at exit,
// so the measurement needs no change to the program being measured.
process.on('exit', () => {
  process.stderr.write(`peak-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
