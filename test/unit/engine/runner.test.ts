import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';

import { CancelledError, CommandFailedError, NotFoundError, TimedOutError, type CommandError } from '../../../src/engine/errors';
import { lineSplitter, ProcessRunner, type EngineLogger } from '../../../src/engine/runner';
import { quoteCommandLine, quotePosix } from '../../../src/engine/shellQuote';

function recordingLogger(): EngineLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug ${message}`),
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

async function rejection(promise: Promise<unknown>): Promise<CommandError> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: CommandError) => error,
  );
}

/** Live (non-zombie) processes whose process group is `groupId`, read from /proc. */
function liveGroupMembers(groupId: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesized comm: state ppid pgrp ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === groupId && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('quotePosix', () => {
  test('safe words stay bare', () => {
    assert.equal(quotePosix('podman'), 'podman');
    assert.equal(quotePosix('--export'), '--export');
    assert.equal(quotePosix('/var/lib/containers/storage/dump.log'), '/var/lib/containers/storage/dump.log');
  });

  test('empty string becomes two quotes', () => {
    assert.equal(quotePosix(''), "''");
  });

  test('single quote is closed, escaped and reopened', () => {
    assert.equal(quotePosix("it's"), `'it'\\''s'`);
  });

  test('assignment-like and tilde words are quoted', () => {
    assert.equal(quotePosix('A=b'), "'A=b'");
    assert.equal(quotePosix('~root'), "'~root'");
  });

  test('sh reads every quoted word back unchanged', () => {
    const words = [
      '',
      'plain',
      'two words',
      "it's",
      "''",
      '$HOME',
      '`id`',
      '$(id)',
      'a\nb',
      'tab\there',
      '*',
      '?',
      '[a]',
      ';',
      '&&',
      '|',
      '>out',
      '<in',
      '#comment',
      '\\',
      '"double"',
      '-n',
      '--',
      '~',
      'A=b',
      'ünïcödé ✓',
      '!event',
      '{a,b}',
    ];
    const script = `for word in ${words.map(quotePosix).join(' ')}; do printf '%s\\0' "$word"; done`;
    const output = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    assert.deepEqual(output.split('\0').slice(0, -1), words);
  });

  test('command line joins quoted words', () => {
    assert.equal(quoteCommandLine(['podman', 'container', 'inspect', '--', 'my ctr']), "podman container inspect -- 'my ctr'");
  });
});

describe('ProcessRunner', () => {
  test('exit 0 resolves with stdout and stderr', async () => {
    const result = await new ProcessRunner().run(['sh', '-c', 'echo out; echo warning >&2']);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'warning\n');
  });

  test('stderr on success is not a failure', async () => {
    const result = await new ProcessRunner().run(['sh', '-c', 'echo "WARN[0000] cgroups v1 is deprecated" >&2; echo ok']);
    assert.equal(result.stdout, 'ok\n');
  });

  test('non-zero exit rejects with stderr', async () => {
    const error = await rejection(new ProcessRunner().run(['sh', '-c', 'echo "Error: something broke" >&2; exit 125']));
    assert.ok(error instanceof CommandFailedError);
    assert.equal(error.exitCode, 125);
    assert.equal(error.message, 'something broke');
    assert.equal(error.stderr, 'Error: something broke\n');
    assert.equal(error.commandLine, `sh -c 'echo "Error: something broke" >&2; exit 125'`);
  });

  test('missing binary is NotFoundError', async () => {
    const error = await rejection(new ProcessRunner().run(['checkpoint-lens-no-such-binary', '--version']));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.missing, 'program');
  });

  test('exit 127 is NotFoundError', async () => {
    const error = await rejection(new ProcessRunner().run(['sh', '-c', 'checkpoint-lens-no-such-binary']));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.exitCode, 127);
  });

  test('stdin input reaches the child', async () => {
    const result = await new ProcessRunner().run(['cat'], { input: 'hello\n' });
    assert.equal(result.stdout, 'hello\n');
  });

  test('arguments pass without a shell', async () => {
    const result = await new ProcessRunner().run(['printf', '%s|', '$HOME', '`id`', 'a b']);
    assert.equal(result.stdout, '$HOME|`id`|a b|');
  });

  test('streamed stdout arrives in chunks', async () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    const result = await new ProcessRunner().run(['sh', '-c', 'echo one; echo two; printf three'], { onStdout: splitter.push });
    splitter.flush();
    assert.deepEqual(lines, ['one', 'two', 'three']);
    assert.equal(result.stdout, '');
  });

  test('logger gets command line and exit status', async () => {
    const logger = recordingLogger();
    await new ProcessRunner(logger).run(['true'], { logLevel: 'info' });
    await rejection(new ProcessRunner(logger).run(['sh', '-c', 'exit 3']));
    assert.deepEqual(logger.lines[0], 'info run: true');
    assert.match(logger.lines[1], /^info exit 0 in \d+ ms: true$/);
    assert.equal(logger.lines[2], "debug run: sh -c 'exit 3'");
    assert.match(logger.lines[3], /^warn exit 3 in \d+ ms: sh -c 'exit 3': failed: /);
  });

  test('already aborted signal never spawns', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(new ProcessRunner().run(['sleep', '100'], { signal: controller.signal }));
    assert.ok(error instanceof CancelledError);
  });

  test('cancel kills the whole process group', async () => {
    const controller = new AbortController();
    let leader = 0;
    const running = new ProcessRunner(recordingLogger(), { killGraceMs: 500 }).run(['sh', '-c', 'echo $$; sleep 100 & sleep 100'], {
      signal: controller.signal,
      onStdout: (chunk) => {
        leader ||= Number.parseInt(chunk, 10);
      },
    });
    await waitFor(() => leader > 0 && liveGroupMembers(leader).length >= 3, 'sh and both sleeps to start');

    controller.abort();
    const error = await rejection(running);

    assert.ok(error instanceof CancelledError);
    await waitFor(() => liveGroupMembers(leader).length === 0, 'every process of the group to exit');
  });

  test('settleKills sends SIGKILL to a group that ignores SIGTERM', async () => {
    const controller = new AbortController();
    const runner = new ProcessRunner(recordingLogger(), { killGraceMs: 300 });
    let leader = 0;
    const running = runner.run(['sh', '-c', 'trap "" TERM; echo $$; sleep 100 & sleep 100'], {
      signal: controller.signal,
      onStdout: (chunk) => {
        leader ||= Number.parseInt(chunk, 10);
      },
    });
    await waitFor(() => leader > 0 && liveGroupMembers(leader).length >= 3, 'sh and both sleeps to start');

    controller.abort();
    const started = Date.now();
    await runner.settleKills();

    assert.ok(Date.now() - started >= 250, `settleKills returned after ${Date.now() - started} ms, before the grace time`);
    await waitFor(() => liveGroupMembers(leader).length === 0, 'every process of the group to exit', 1_000);
    assert.ok((await rejection(running)) instanceof CancelledError);
  });

  test('timeout kills the group and reports it', async () => {
    const error = await rejection(new ProcessRunner(recordingLogger(), { killGraceMs: 200 }).run(['sh', '-c', 'sleep 100 & sleep 100'], { timeoutMs: 200 }));
    assert.ok(error instanceof TimedOutError);
    assert.match(error.message, /^Timed out after 200 ms: /);
  });
});
