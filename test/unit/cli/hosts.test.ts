import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { HostOptionError, type HostOptionValues, type HostsEnvironment, locateHostsFile, resolveHost } from '../../../src/cli/hosts';
import { runPreflightCli } from '../../../src/cli/preflight';
import type { Host } from '../../../src/engine/hosts';
import type { runPreflight } from '../../../src/engine/preflight';
import type { PreflightReport } from '../../../src/model/preflight/types';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');

let scratch: string;
/** A hosts file with two remote hosts, the way a user writes it. */
let hostsFile: string;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cl-hosts-'));
  hostsFile = join(scratch, 'hosts.json');
  writeFileSync(hostsFile, JSON.stringify([{ name: 'build-1', prefix: ['ssh', 'build-1'] }, { name: 'root', prefix: ['sudo', '-n'] }], null, 2));
});

after(() => rmSync(scratch, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

/** Resolves with an environment that cannot reach the real home folder. */
function resolve(values: HostOptionValues, env: HostsEnvironment = { HOME: join(scratch, 'no-home') }): Host {
  return resolveHost(values, env);
}

function resolveError(values: HostOptionValues, env?: HostsEnvironment): string {
  try {
    resolve(values, env);
  } catch (error) {
    assert.ok(error instanceof HostOptionError, `expected a HostOptionError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`resolved ${JSON.stringify(values)} without an error`);
}

describe('hosts file location', () => {
  test('--hosts-file comes first', () => {
    const location = locateHostsFile('/etc/h.json', { CHECKPOINT_LENS_HOSTS_FILE: '/env/h.json', XDG_CONFIG_HOME: '/xdg' });
    assert.deepEqual(location, { path: '/etc/h.json', source: '--hosts-file' });
  });

  test('variable before XDG folder', () => {
    const location = locateHostsFile(undefined, { CHECKPOINT_LENS_HOSTS_FILE: '/env/h.json', XDG_CONFIG_HOME: '/xdg' });
    assert.deepEqual(location, { path: '/env/h.json', source: 'CHECKPOINT_LENS_HOSTS_FILE' });
  });

  test('XDG_CONFIG_HOME folder', () => {
    const location = locateHostsFile(undefined, { XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' });
    assert.deepEqual(location, { path: '/xdg/checkpoint-lens/hosts.json', source: 'default' });
  });

  test('relative or empty XDG_CONFIG_HOME ignored', () => {
    assert.equal(locateHostsFile(undefined, { XDG_CONFIG_HOME: 'config', HOME: '/home/u' }).path, '/home/u/.config/checkpoint-lens/hosts.json');
    assert.equal(locateHostsFile(undefined, { XDG_CONFIG_HOME: '', HOME: '/home/u' }).path, '/home/u/.config/checkpoint-lens/hosts.json');
    assert.equal(locateHostsFile(undefined, { CHECKPOINT_LENS_HOSTS_FILE: '', HOME: '/home/u' }).path, '/home/u/.config/checkpoint-lens/hosts.json');
  });
});

describe('host resolution', () => {
  test('named host gets its prefix', () => {
    assert.deepEqual(resolve({ host: 'build-1', 'hosts-file': hostsFile }), { name: 'build-1', prefix: ['ssh', 'build-1'] });
    assert.deepEqual(resolve({ host: 'root', 'hosts-file': hostsFile }), { name: 'root', prefix: ['sudo', '-n'] });
  });

  test('local exists without an entry', () => {
    assert.deepEqual(resolve({ host: 'local', 'hosts-file': hostsFile }), { name: 'local', prefix: [] });
  });

  test('local exists without a default file', () => {
    assert.deepEqual(resolve({ host: 'local' }), { name: 'local', prefix: [] });
  });

  test('file may redefine local', () => {
    const file = write('local.json', '[{"name": "local", "prefix": ["sudo", "-n"]}]');
    assert.deepEqual(resolve({ host: 'local', 'hosts-file': file }), { name: 'local', prefix: ['sudo', '-n'] });
  });

  test('entry without prefix is local', () => {
    const file = write('bare.json', '[{"name": "here"}]');
    assert.deepEqual(resolve({ host: 'here', 'hosts-file': file }), { name: 'here', prefix: [] });
  });

  test('file from the variable', () => {
    assert.deepEqual(resolve({ host: 'root' }, { CHECKPOINT_LENS_HOSTS_FILE: hostsFile }), { name: 'root', prefix: ['sudo', '-n'] });
  });

  test('file from XDG_CONFIG_HOME', () => {
    const config = join(scratch, 'xdg');
    mkdirSync(join(config, 'checkpoint-lens'), { recursive: true });
    writeFileSync(join(config, 'checkpoint-lens', 'hosts.json'), '[{"name": "xdg-host", "prefix": ["ssh", "xdg"]}]');
    assert.deepEqual(resolve({ host: 'xdg-host' }, { XDG_CONFIG_HOME: config }), { name: 'xdg-host', prefix: ['ssh', 'xdg'] });
  });

  test('file from ~/.config', () => {
    const home = join(scratch, 'home');
    mkdirSync(join(home, '.config', 'checkpoint-lens'), { recursive: true });
    writeFileSync(join(home, '.config', 'checkpoint-lens', 'hosts.json'), '[{"name": "home-host", "prefix": ["ssh", "home"]}]');
    assert.deepEqual(resolve({ host: 'home-host' }, { HOME: home }), { name: 'home-host', prefix: ['ssh', 'home'] });
  });

  test('no host option is local', () => {
    assert.deepEqual(resolve({}), { name: 'local', prefix: [] });
  });

  test('prefix JSON still works', () => {
    assert.deepEqual(resolve({ 'host-prefix-json': '["ssh","build-2"]' }), { name: 'command line', prefix: ['ssh', 'build-2'] });
  });
});

describe('host resolution errors', () => {
  test('unknown host lists the known ones', () => {
    assert.equal(
      resolveError({ host: 'build-2', 'hosts-file': hostsFile }),
      `no host named "build-2" in the hosts file ${hostsFile} (from --hosts-file); the hosts there are "local", "build-1", "root". Pick one of them, or add {"name": "build-2", "prefix": [...]} to the file.`,
    );
  });

  test('unknown host, default file missing', () => {
    const config = join(scratch, 'empty-xdg');
    assert.equal(
      resolveError({ host: 'build-1' }, { XDG_CONFIG_HOME: config }),
      `no host named "build-1": the hosts file ${config}/checkpoint-lens/hosts.json does not exist, so the only host is "local". Create it with [{"name": "build-1", "prefix": [...]}], or name another file with --hosts-file FILE or $CHECKPOINT_LENS_HOSTS_FILE.`,
    );
  });

  test('named file missing', () => {
    const missing = join(scratch, 'absent.json');
    assert.equal(
      resolveError({ host: 'local', 'hosts-file': missing }),
      `cannot read the hosts file ${missing} (from --hosts-file): no such file. Correct the path, or create the file with a list such as [{"name": "build-1", "prefix": ["ssh", "build-1"]}].`,
    );
    assert.equal(
      resolveError({ host: 'local' }, { CHECKPOINT_LENS_HOSTS_FILE: missing }),
      `cannot read the hosts file ${missing} (from $CHECKPOINT_LENS_HOSTS_FILE): no such file. Correct the path, or create the file with a list such as [{"name": "build-1", "prefix": ["ssh", "build-1"]}].`,
    );
  });

  test('folder as hosts file', () => {
    assert.match(resolveError({ host: 'local', 'hosts-file': scratch }), /^cannot read the hosts file .* \(from --hosts-file\): is a directory\. Correct the path/);
  });

  test('unreadable hosts file', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, () => {
    const file = write('secret.json', '[]');
    chmodSync(file, 0o000);
    assert.match(resolveError({ host: 'local', 'hosts-file': file }), /^cannot read the hosts file .*secret\.json \(from --hosts-file\): permission denied\./);
  });

  test('invalid JSON names line and column', () => {
    const file = write('broken.json', '[\n  {"name": "a", "prefix": ["ssh" "a"]}\n]\n');
    const message = resolveError({ host: 'a', 'hosts-file': file });
    assert.match(message, new RegExp(`^the hosts file ${file} \\(from --hosts-file\\) is not valid JSON: `));
    assert.match(message, /\(line 2 column 34\)/);
    assert.match(message, /Expected a list such as \[\{"name": "build-1", "prefix": \["ssh", "build-1"\]\}\]\.$/);
  });

  test('empty file is invalid JSON', () => {
    const file = write('empty.json', '');
    assert.equal(
      resolveError({ host: 'local', 'hosts-file': file }),
      `the hosts file ${file} (from --hosts-file) is not valid JSON: Unexpected end of JSON input. Expected a list such as [{"name": "build-1", "prefix": ["ssh", "build-1"]}].`,
    );
  });

  test('invalid entries are listed', () => {
    const file = write('entries.json', JSON.stringify([{ name: 'a', prefix: ['ssh a'] }, { name: '' }, { name: 'b', prefix: [] }, { name: 'b', prefix: ['sudo'] }]));
    assert.equal(
      resolveError({ host: 'b', 'hosts-file': file }),
      [
        `the hosts file ${file} (from --hosts-file) is invalid:`,
        '  $[0].prefix[0]: "ssh a" contains a space, so it would run a program of that whole name. Give each argument its own element: ["ssh","a"].',
        '  $[1].name: must not be empty. Expected {"name": "<label>", "prefix": ["<program>", "<argument>", ...]}.',
        '  $[3].name: "b" is used by an earlier host. Give each host its own name.',
      ].join('\n'),
    );
  });

  test('object or null instead of a list', () => {
    const object = write('object.json', '{"checkpointLens.hosts": []}');
    assert.equal(resolveError({ host: 'local', 'hosts-file': object }), `the hosts file ${object} (from --hosts-file) is invalid:\n  $: expected a list of {"name": ..., "prefix": [...]} objects, got an object.`);
    const nullFile = write('null.json', 'null');
    assert.equal(resolveError({ host: 'local', 'hosts-file': nullFile }), `the hosts file ${nullFile} (from --hosts-file) is invalid:\n  $: expected a list of {"name": ..., "prefix": [...]} objects, got null.`);
  });

  test('--host with --host-prefix-json', () => {
    assert.equal(
      resolveError({ host: 'build-1', 'hosts-file': hostsFile, 'host-prefix-json': '["sudo"]' }),
      'give either --host build-1 or --host-prefix-json, not both: --host takes the prefix from the hosts file, --host-prefix-json gives it itself',
    );
  });

  test('--hosts-file without --host', () => {
    assert.equal(resolveError({ 'hosts-file': hostsFile }), `--hosts-file ${hostsFile} needs --host NAME to pick a host from it`);
  });

  test('empty names', () => {
    assert.equal(resolveError({ host: ' ' }), '--host needs a host name');
    assert.equal(resolveError({ host: 'local', 'hosts-file': '' }), '--hosts-file needs a file name');
  });
});

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): CliRun {
  const env = { ...process.env, HOME: join(scratch, 'no-home'), XDG_CONFIG_HOME: '', CHECKPOINT_LENS_HOSTS_FILE: '' };
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('--host in gaps and snapshot', () => {
  test('prefix from the file runs the commands', () => {
    // A prefix that names a missing program fails at once, and the error shows the command it built.
    const file = write('nowhere.json', '[{"name": "nowhere", "prefix": ["/nonexistent/cl-prefix", "-x"]}]');
    const run = runCli(['gaps', '--container', 'web', '--host', 'nowhere', '--hosts-file', file]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      'checkpoint-lens gaps: Program not found: /nonexistent/cl-prefix (command: /nonexistent/cl-prefix -x podman container inspect -- web). Check that the prefix of host "nowhere" runs commands on the intended host.\nRun "checkpoint-lens gaps --help" for usage.\n',
    );
  });

  test('snapshot: unknown host exits 2', () => {
    const run = runCli(['snapshot', '--container', 'web', '--host', 'build-9', '--hosts-file', hostsFile]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      `checkpoint-lens snapshot: no host named "build-9" in the hosts file ${hostsFile} (from --hosts-file); the hosts there are "local", "build-1", "root". Pick one of them, or add {"name": "build-9", "prefix": [...]} to the file.\nRun "checkpoint-lens snapshot --help" for usage.\n`,
    );
  });

  test('gaps: both host options exit 2', () => {
    const run = runCli(['gaps', '--pid', '1', '--host', 'root', '--host-prefix-json', '[]']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^checkpoint-lens gaps: give either --host root or --host-prefix-json, not both/);
  });

  test('gaps: host options need a live source', () => {
    const fixture = join(ROOT, 'test', 'fixtures', 'procfs', 'wasm-crun-wasmedge', 'snapshot.json');
    const run = runCli(['gaps', '--snapshot', fixture, '--host', 'root', '--hosts-file', hostsFile]);
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      'checkpoint-lens gaps: --host, --hosts-file and --host-prefix-json apply to --container and --pid only; the files of --snapshot, --mountinfo and --maps are read on this machine, so leave the host options out\nRun "checkpoint-lens gaps --help" for usage.\n',
    );
  });
});

describe('--host in preflight', () => {
  async function runPreflightFake(args: string[], env: HostsEnvironment = { HOME: join(scratch, 'no-home') }): Promise<CliRun & { hosts: Host[] }> {
    const run = { status: -1 as number | null, stdout: '', stderr: '', hosts: [] as Host[] };
    const fake: typeof runPreflight = async (_runner, host) => {
      run.hosts.push(host);
      return { verdict: 'should-work' } as PreflightReport;
    };
    run.status = await runPreflightCli(args, { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text), runPreflight: fake, env });
    return run;
  }

  test('named host reaches the engine', async () => {
    const run = await runPreflightFake(['--container', 'web', '--host', 'build-1', '--hosts-file', hostsFile, '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.hosts, [{ name: 'build-1', prefix: ['ssh', 'build-1'] }]);
  });

  test('host file from the variable', async () => {
    const run = await runPreflightFake(['--container', 'web', '--host', 'root', '--json'], { CHECKPOINT_LENS_HOSTS_FILE: hostsFile });
    assert.deepEqual(run.hosts, [{ name: 'root', prefix: ['sudo', '-n'] }]);
  });

  test('unknown host exits 3', async () => {
    const run = await runPreflightFake(['--container', 'web', '--host', 'lab', '--hosts-file', hostsFile]);
    assert.equal(run.status, 3);
    assert.deepEqual(run.hosts, []);
    assert.equal(
      run.stderr,
      `checkpoint-lens preflight: no host named "lab" in the hosts file ${hostsFile} (from --hosts-file); the hosts there are "local", "build-1", "root". Pick one of them, or add {"name": "lab", "prefix": [...]} to the file.\n`,
    );
  });

  test('both host options exit 3', async () => {
    const run = await runPreflightFake(['--container', 'web', '--host', 'root', '--host-prefix-json', '["sudo","-n"]']);
    assert.equal(run.status, 3);
    assert.deepEqual(run.hosts, []);
    assert.equal(run.stderr, 'checkpoint-lens preflight: give either --host root or --host-prefix-json, not both: --host takes the prefix from the hosts file, --host-prefix-json gives it itself\n');
  });
});
