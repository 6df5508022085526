import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';
import { z } from 'zod';

import { runChecks } from '../../../src/model/preflight';
import { preflightReportSchema } from '../../../src/model/preflight/reportSchema';
import { FIXTURES, LIVE_PID, liveInput } from './liveHolder';

const ROOT = join(__dirname, '..', '..', '..');

function hostile(name: string): string {
  return readFileSync(join(FIXTURES, 'hostile', name), 'utf8');
}

describe('preflight report schema', () => {
  test('recorded report validates', () => {
    for (const criuVersion of ['3.17.1', '4.1.1', '4.2']) {
      const report = runChecks(liveInput({ host: { criuVersion }, container: { autoRemove: true, tty: true, pod: 'p1' } }));
      const result = preflightReportSchema.safeParse(JSON.parse(JSON.stringify(report)));
      assert.ok(result.success, result.success ? '' : z.prettifyError(result.error));
    }
  });

  test('rejects an unknown verdict', () => {
    const report = runChecks(liveInput());
    assert.equal(preflightReportSchema.safeParse({ ...report, verdict: 'maybe' }).success, false);
  });

  test('published JSON Schema is up to date', () => {
    const published = JSON.parse(readFileSync(join(ROOT, 'docs', 'preflight-report.schema.json'), 'utf8')) as Record<string, unknown>;
    const generated = { title: published.title, ...z.toJSONSchema(preflightReportSchema) };
    assert.deepEqual(published, generated, 'run: node --import tsx scripts/write-report-schema.mjs');
  });

  test('published schema uses only standard formats', () => {
    // The formats of JSON Schema 2020-12; ajv in strict mode rejects any other name.
    const standard = new Set(['date-time', 'date', 'time', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uri', 'uri-reference', 'uuid', 'regex']);
    const formats: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'format' && typeof value === 'string') formats.push(value);
          else walk(value);
        }
      }
    };
    walk(JSON.parse(readFileSync(join(ROOT, 'docs', 'preflight-report.schema.json'), 'utf8')));
    assert.deepEqual(formats.filter((format) => !standard.has(format)), []);
  });

  test('schema rejects a relative config file', () => {
    const report = runChecks(liveInput());
    const criuConfig = [{ file: 'etc/criu/runc.conf', snippet: 'ghost-limit 16M\n', reason: 'a deleted file' }];
    assert.equal(preflightReportSchema.safeParse({ ...JSON.parse(JSON.stringify(report)), criuConfig }).success, false);
  });
});

describe('preflight on damaged input', () => {
  test('names each skipped line by file', () => {
    const input = liveInput();
    input.net[0].tcp = hostile('tcp-truncated');
    input.net[0].unix = hostile('unix-garbage');
    input.net[0].netlink = hostile('netlink-truncated');
    input.locks = hostile('locks-garbage');
    input.processes[0].status = hostile('status-garbage');
    const report = runChecks(input);
    const issues = (report.inputIssues ?? []).map((issue) => `${issue.file}:${issue.line}`);
    assert.deepEqual(issues.sort(), [
      `/proc/${LIVE_PID}/net/netlink:3`,
      `/proc/${LIVE_PID}/net/tcp:4`,
      `/proc/${LIVE_PID}/net/unix:6`,
      `/proc/${LIVE_PID}/net/unix:7`,
      `/proc/${LIVE_PID}/net/unix:8`,
      `/proc/${LIVE_PID}/status:6`,
      '/proc/locks:5',
      '/proc/locks:7',
    ]);
    assert.ok(preflightReportSchema.safeParse(JSON.parse(JSON.stringify(report))).success);
  });

  test('a lock of an unknown kind blocks', () => {
    const input = liveInput();
    input.locks = hostile('locks-garbage');
    const report = runChecks(input);
    const finding = report.findings.find((candidate) => candidate.check === 'file-locks' && candidate.verdict === 'blocks');
    assert.ok(finding);
    assert.match(finding.detail, /XLOCK/);
    assert.equal(finding.evidence[0].source?.line, 4);
  });

  test('missing tables go to skipped', () => {
    const input = liveInput();
    input.net[0] = { ns: input.net[0].ns, pid: LIVE_PID, unreadable: { tcp: 'Permission denied' } };
    input.locks = undefined;
    const report = runChecks(input);
    assert.ok(report.skipped.some((item) => item.check === 'inet-sockets' && item.reason === `/proc/${LIVE_PID}/net/tcp was not read: Permission denied`));
    assert.ok(report.skipped.some((item) => item.check === 'file-locks'));
    assert.ok(report.skipped.some((item) => item.check === 'unix-sockets'));
    assert.equal(report.flags.includes('tcpEstablished'), false);
  });

  test('random /proc text never throws', () => {
    const fields = ['tcp', 'tcp6', 'udp', 'udp6', 'unix', 'netlink', 'ssUnix'] as const;
    fc.assert(
      fc.property(fc.record({ table: fc.string(), maps: fc.string(), fds: fc.string(), fdinfo: fc.string(), locks: fc.string(), status: fc.string() }), (random) => {
        const input = liveInput();
        for (const field of fields) input.net[0][field] = random.table;
        input.snapshot.maps = random.maps;
        input.snapshot.fds = random.fds;
        input.snapshot.fdinfo = random.fdinfo;
        input.locks = random.locks;
        input.processes[0].status = random.status;
        const report = runChecks(input);
        assert.ok(preflightReportSchema.safeParse(JSON.parse(JSON.stringify(report))).success);
      }),
      { numRuns: 100 },
    );
  });
});
