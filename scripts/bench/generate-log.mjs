// Writes a realistic CRIU `-v4` dump log of a given size, built from the lines of real logs, with
// the wasm seed failure near the end. Usage: node generate-log.mjs OUT_FILE SIZE_MB
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const local = join(root, 'test', 'fixtures', 'local');
const [out, sizeText] = process.argv.slice(2);
if (!out || !sizeText || !(Number(sizeText) > 0)) {
  console.error('usage: node generate-log.mjs OUT_FILE SIZE_MB');
  process.exit(2);
}
const targetBytes = Number(sizeText) * 1024 * 1024;

const seed = readFileSync(join(local, 'mapping-gap-wasm-crun-wasmedge', 'wasm-tick-dump.log'), 'utf8').split('\n');
// The body of a successful multi-process dump: task dumps, mappings, fds, pages (all real lines).
const success = readFileSync(join(local, 'trixie-podman5-criu4-bringup', 'trixie-crun-dump-2.log'), 'utf8').split('\n');
const bodyStart = success.findIndex((line) => line.includes('Dumping task (pid:')) - 1;
const body = success.slice(bodyStart, success.findIndex((line) => line.includes('Dumping finished successfully')));
const header = seed.slice(0, seed.findIndex((line) => line.includes('Dumping task (pid:')) - 1);
const failure = seed.slice(seed.findIndex((line) => line.includes('Dumping task (pid:')) - 1).filter((line) => line !== '');

const stream = createWriteStream(out);
let written = 0;
let seconds = 0.02;
let round = 0;

function stamp(line) {
  // Rewrite the `(00.123456)` prefix so that time moves forward through the file.
  return line.replace(/^\(\d+\.\d+\)/, () => {
    seconds += 0.000003;
    return `(${seconds.toFixed(6).padStart(9, '0')})`;
  });
}

function write(lines) {
  const text = lines.map(stamp).join('\n') + '\n';
  written += Buffer.byteLength(text);
  return stream.write(text);
}

write(header);
const failureBytes = Buffer.byteLength(failure.join('\n')) + 4096;
while (written < targetBytes - failureBytes) {
  round++;
  // Each round stands for another task of the tree, so pids differ as in a real multi-process dump.
  const pid = 20000 + (round % 30000);
  const ok = write(body.map((line) => line.replace(/\b20171\b/g, String(pid))));
  if (!ok) await new Promise((resolve) => stream.once('drain', resolve));
}
write(failure);
stream.end();
await new Promise((resolve) => stream.on('finish', resolve));
console.log(`${out}: ${(written / 1024 / 1024).toFixed(1)} MiB, ${round} task bodies`);
