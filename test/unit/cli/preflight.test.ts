import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { PREFLIGHT_EXIT, PREFLIGHT_USAGE, renderPreflightText, runPreflightCli } from '../../../src/cli/preflight';
import type { Host } from '../../../src/engine/hosts';
import type { runPreflight } from '../../../src/engine/preflight';
import { runChecks } from '../../../src/model/preflight';
import type { PreflightInput, PreflightIntent, PreflightReport } from '../../../src/model/preflight/types';
import { CancelledError } from '../../../src/engine/errors';
import { FakeRunner } from '../engine/fakeRunner';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'preflight', 'trixie');

function recordedInput(name: string): PreflightInput {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.input.json`), 'utf8')) as PreflightInput;
}

function recordedReport(name: string): PreflightReport {
  return runChecks(recordedInput(name));
}

interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  calls: { host: Host; container: string; intent: PreflightIntent | undefined }[];
}

/** Runs the CLI with a runPreflight that checks a recorded input instead of reading a host. */
async function runCli(args: string[], fixture = 'plain'): Promise<CliRun> {
  const run: CliRun = { status: -1, stdout: '', stderr: '', calls: [] };
  const fake: typeof runPreflight = async (_runner, host, container, intent) => {
    run.calls.push({ host, container, intent });
    return recordedReport(fixture);
  };
  run.status = await runPreflightCli(args, { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text), runPreflight: fake });
  return run;
}

describe('preflight CLI arguments', () => {
  const usageCases: [string[], RegExp][] = [
    [[], /missing --container NAME/],
    [['--container', ''], /--container needs a container name or ID/],
    [['web'], /unexpected argument "web"; name the container with --container NAME/],
    [['--container', 'web', '--bogus'], /unknown option --bogus/],
    [['--container'], /--container/],
    [['--container', 'web', '--host', ''], /--host needs a host name/],
  ];
  for (const [args, message] of usageCases) {
    test(`usage error: ${args.join(' ') || '(none)'}`, async () => {
      const run = await runCli(args);
      assert.equal(run.status, PREFLIGHT_EXIT.error);
      assert.equal(run.status, 3);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Run "checkpoint-lens preflight --help" for usage\./);
      assert.equal(run.stdout, '');
      assert.deepEqual(run.calls, []);
    });
  }

  test('invalid host prefix is an error', async () => {
    const run = await runCli(['--container', 'web', '--host-prefix-json', '["sudo" "-n"]']);
    assert.equal(run.status, 3);
    assert.match(run.stderr, /--host-prefix-json is not valid JSON/);
    assert.deepEqual(run.calls, []);
  });

  test('help prints usage', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, PREFLIGHT_USAGE);
    assert.match(run.stdout, /3 for a usage error/);
  });

  test('prefix and intent reach the engine', async () => {
    const run = await runCli(['--container', 'web', '--host-prefix-json', '["sudo","-n"]', '--export', '--pre-checkpoint']);
    assert.equal(run.calls.length, 1);
    assert.deepEqual(run.calls[0].host, { name: 'command line', prefix: ['sudo', '-n'] });
    assert.equal(run.calls[0].container, 'web');
    assert.deepEqual(run.calls[0].intent, { export: true, preCheckpoint: true });
  });

  test('default host is local', async () => {
    const run = await runCli(['--container', 'web']);
    assert.deepEqual(run.calls[0].host, { name: 'local', prefix: [] });
    assert.deepEqual(run.calls[0].intent, {});
  });
});

describe('preflight CLI exit status', () => {
  const cases: [string, number, string][] = [
    ['plain', 0, 'should-work'],
    ['flock', 1, 'needs-flags'],
    ['ghost', 2, 'will-fail'],
    ['tcp-crun', 2, 'will-fail'],
  ];
  for (const [fixture, status, verdict] of cases) {
    test(`${fixture} exits ${status}`, async () => {
      const run = await runCli(['--container', fixture, '--json'], fixture);
      assert.equal(run.status, status);
      const report = JSON.parse(run.stdout) as PreflightReport;
      assert.equal(report.verdict, verdict);
      assert.equal(report.version, 1);
      assert.equal(run.stderr, '');
    });
  }

  test('stopped container exits 3 naming it', async () => {
    const inspect = JSON.stringify([{ Id: 'abc', Name: 'web', State: { Status: 'exited', Running: false, Pid: 0 } }]);
    const runner = new FakeRunner((command) => {
      if (command.includes('inspect')) return { stdout: inspect };
      // The host probe runs beside the inspect; its failures become findings, not errors.
      return { exitCode: 127, stderr: `${command[0]}: not found` };
    });
    let stdout = '';
    let stderr = '';
    const status = await runPreflightCli(['--container', 'web'], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), runner });
    assert.equal(status, 3);
    assert.equal(stdout, '');
    assert.match(stderr, /^checkpoint-lens preflight: Container web is exited/);
    assert.match(stderr, /podman start web/);
  });

  test('missing container exits 3', async () => {
    const runner = new FakeRunner((command) => (command.includes('inspect') ? { exitCode: 125, stderr: 'Error: no such container web\n' } : { exitCode: 127 }));
    let stderr = '';
    const status = await runPreflightCli(['--container', 'web'], { stdout: () => undefined, stderr: (text) => (stderr += text), runner });
    assert.equal(status, 3);
    assert.match(stderr, /no such container web/);
  });
});

describe('preflight text', () => {
  test('flock names the flag and the command', () => {
    const text = renderPreflightText(recordedReport('flock'));
    const lines = text.split('\n');
    assert.equal(lines[0], 'container flock on host trixie: checkpoint needs flags');
    assert.equal(lines[1], '  podman 5.4.2, crun, CRIU 4.1.1, kernel 6.18.44-fc-v1272');
    assert.ok(lines.includes('Needs a flag (1):'), text);
    assert.ok(lines.includes('Run:'), text);
    assert.ok(lines.includes('  $ podman container checkpoint --file-locks flock'), text);
    assert.ok(!lines.includes('Blocks the checkpoint (1):'), text);
    const flagLine = lines.find((line) => line.startsWith('  1 file lock held'));
    assert.match(flagLine ?? '', /\[file-locks, flag --file-locks, file-locks\.option-required\]/);
    assert.ok(lines.includes('      $ podman container checkpoint --file-locks flock'), text);
    assert.ok(!lines.some((line) => line.includes('<container>')), text);
    // The evidence is the /proc/locks line of the lock.
    assert.ok(lines.some((line) => /^ {4}- .*\(\/proc\/locks, line 1\)$/.test(line)), text);
  });

  test('ghost file blocks with evidence', () => {
    const text = renderPreflightText(recordedReport('ghost'));
    const lines = text.split('\n');
    assert.equal(lines[0], 'container ghost on host trixie: checkpoint will fail');
    assert.ok(lines.includes('Blocks the checkpoint (1):'), text);
    assert.match(text, /\[ghost-file, ghost-file\.size-over-limit\]/);
    assert.match(text, /fd 3/);
    // A checkpoint that will fail gets no command to run.
    assert.ok(!lines.includes('Run:'), text);
    assert.ok(!lines.includes('Command:'), text);
  });

  test('plain lists fine findings without evidence', () => {
    const report = recordedReport('plain');
    const text = renderPreflightText(report);
    const lines = text.split('\n');
    assert.equal(lines[0], 'container plain on host trixie: checkpoint should work');
    const fine = report.findings.filter((finding) => finding.verdict === 'fine');
    assert.ok(lines.includes(`Fine (${fine.length}):`), text);
    assert.ok(lines.includes('Command:'), text);
    assert.ok(lines.includes('  $ podman container checkpoint plain'), text);
    assert.ok(!lines.some((line) => line.startsWith('    - ')), `fine findings should list no evidence:\n${text}`);
  });

  test('CRIU configuration and skipped checks are printed', () => {
    const report: PreflightReport = {
      ...recordedReport('plain'),
      criuConfig: [{ file: '/etc/criu/runc.conf', snippet: 'ghost-limit 4M\n', reason: 'a deleted file of 3 MiB is open' }],
      skipped: [{ check: 'nested-namespaces', reason: '/proc/1/ns could not be read' }],
      inputIssues: [{ file: '/proc/12/net/tcp', line: 4, reason: 'truncated row' }],
    };
    const lines = renderPreflightText(report).split('\n');
    const config = lines.indexOf('CRIU configuration:');
    assert.ok(config > 0);
    assert.deepEqual(lines.slice(config + 1, config + 4), ['  /etc/criu/runc.conf:', '    # a deleted file of 3 MiB is open', '    ghost-limit 4M']);
    assert.ok(lines.includes('Not checked:'));
    assert.ok(lines.includes('  nested-namespaces: /proc/1/ns could not be read'));
    assert.ok(lines.includes('  /proc/12/net/tcp line 4: truncated row'));
  });
});

describe('preflight text of an incomplete report', () => {
  function withoutSs(): PreflightReport {
    const input = recordedInput('plain');
    delete input.net[0].ssUnix;
    input.net[0].unreadable = { 'ss -x': 'nsenter: failed to execute ss: No such file or directory' };
    return runChecks(input);
  }

  test('first line says as far as checked', () => {
    const report = withoutSs();
    assert.equal(report.verdict, 'should-work');
    const lines = renderPreflightText(report).split('\n');
    assert.equal(lines[0], 'container plain on host trixie: checkpoint should work as far as checked; 1 check could not run:');
    assert.equal(lines[1], '  unix-sockets (ss was not found on the host: install iproute2)');
  });

  test('complete report keeps a short first line', () => {
    const lines = renderPreflightText(recordedReport('plain')).split('\n');
    assert.equal(lines[0], 'container plain on host trixie: checkpoint should work');
  });

  test('incomplete should-work still exits 0', async () => {
    const fake: typeof runPreflight = async () => withoutSs();
    let stdout = '';
    const status = await runPreflightCli(['--container', 'plain', '--json'], { stdout: (text) => (stdout += text), stderr: () => undefined, runPreflight: fake });
    assert.equal(status, 0);
    assert.equal((JSON.parse(stdout) as PreflightReport).complete, false);
  });

  test('help explains an incomplete result', () => {
    assert.match(PREFLIGHT_USAGE, /as far as checked/);
    assert.match(PREFLIGHT_USAGE, /"complete": false/);
  });
});

describe('preflight CLI errors', () => {
  async function runWith(args: string[], runner: FakeRunner): Promise<{ status: number; stderr: string }> {
    let stderr = '';
    const status = await runPreflightCli(args, { stdout: () => undefined, stderr: (text) => (stderr += text), runner });
    return { status, stderr };
  }

  test('message and hint are sentences', async () => {
    const runner = new FakeRunner((command) => (command.includes('inspect') ? { exitCode: 125, stderr: 'Error: no such container web\n' } : { exitCode: 127 }));
    const { stderr } = await runWith(['--container', 'web'], runner);
    assert.match(stderr, /no such container web\. Check the name with `podman ps --all`/);
  });

  test('command suffix keeps the podman part', async () => {
    const prefix = JSON.stringify(['sh', '-c', `echo $$ > /sys/fs/cgroup/unified/checkpoint-lens-stack/cgroup.procs && exec "$@"`, 'enter-cgroup-leaf', 'nsenter', '--mount=/var/cache/checkpoint-lens/stack/ns/mnt', '--', 'env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'PODMAN_IGNORE_CGROUPSV1_WARNING=1']);
    const runner = new FakeRunner((command) => (command.includes('inspect') ? { exitCode: 125, stderr: 'Error: no such container web\n' } : { exitCode: 127 }));
    const { stderr } = await runWith(['--container', 'web', '--host-prefix-json', prefix], runner);
    assert.match(stderr, /podman container inspect[^)]* web\)/);
  });

  test('prefix failure names container and prefix', async () => {
    const runner = new FakeRunner(() => ({ exitCode: 1 }));
    const { status, stderr } = await runWith(['--container', 'web', '--host-prefix-json', '["false"]'], runner);
    assert.equal(status, 3);
    assert.match(stderr, /^checkpoint-lens preflight: cannot read container web: false failed with exit status 1\./);
    assert.match(stderr, /Check that --host-prefix-json runs commands on the intended host\./);
  });

  test('unknown option in the CLI words', async () => {
    const run = await runCli(['--container', 'web', '--tcp-established']);
    assert.equal(run.status, 3);
    assert.match(run.stderr, /^checkpoint-lens preflight: unknown option --tcp-established\n/);
  });

  test('SIGINT cancels with one line', async () => {
    const listeners = process.listenerCount('SIGINT');
    let aborted: boolean | undefined;
    const fake: typeof runPreflight = async (_runner, _host, container, _intent, options) => {
      process.emit('SIGINT');
      aborted = options?.signal?.aborted;
      throw new CancelledError(`Cancelled: preflight of container ${container}`, { command: [] });
    };
    let stderr = '';
    const status = await runPreflightCli(['--container', 'web'], { stdout: () => undefined, stderr: (text) => (stderr += text), runPreflight: fake });
    assert.equal(aborted, true);
    assert.equal(status, PREFLIGHT_EXIT.error);
    assert.equal(stderr, 'checkpoint-lens preflight: cancelled\n');
    assert.equal(process.listenerCount('SIGINT'), listeners);
  });
});

describe('preflight text without internal names', () => {
  test('ghost detail names no field', () => {
    const text = renderPreflightText(recordedReport('ghost'));
    assert.doesNotMatch(text, /criuConfig/);
    assert.match(text, /CRIU configuration section/);
  });

  test('export command is copyable', () => {
    const input = recordedInput('plain');
    input.intent = { export: true };
    const lines = renderPreflightText(runChecks(input)).split('\n');
    assert.ok(lines.includes('  $ podman container checkpoint \'--export=plain-checkpoint.tar.gz\' plain'), lines.join('\n'));
    assert.ok(lines.includes('  (--export writes plain-checkpoint.tar.gz in the current folder: change the path as needed)'), lines.join('\n'));
  });
});
