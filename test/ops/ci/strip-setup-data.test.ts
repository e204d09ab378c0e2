/**
 * ops/ci/gitlab/strip-setup-data.sh: k6's legacy --summary-export keeps setup()'s data (the
 * bundle's bearer tokens, docs/k6-semantics.md#summary-data); the GitLab job strips it before publishing. Tables of
 * export layouts, and the whole GitLab job script run for real with the project's offline runner
 * standing in for the k6 binary (k6 cannot be installed here).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const STRIP = join(REPO_ROOT, 'ops/ci/gitlab/strip-setup-data.sh');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strip-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const strip = (file: string): { status: number | null; stderr: string } => {
  const r = spawnSync('sh', [STRIP, file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
};

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZW5hbnQtbG9hZCJ9.c2lnbmF0dXJl';
const metrics = { http_reqs: { count: 10, rate: 2 }, checks: { passes: 9, fails: 1, value: 0.9 } };

describe('strip-setup-data.sh', () => {
  it.each<[string, Record<string, unknown>]>([
    ['setup_data last (k6 order: root_group, metrics, setup_data)', { root_group: { name: '' }, metrics, setup_data: { tenants: [{ id: 't1', token: TOKEN }] } }],
    ['setup_data between members', { root_group: { name: '' }, setup_data: { token: TOKEN, nested: { deep: [1, { setup_data: 2 }] } }, metrics }],
    ['setup_data null', { root_group: { name: '' }, metrics, setup_data: null }],
    ['setup_data a string holding a token', { metrics, setup_data: TOKEN }],
    ['no setup_data at all', { root_group: { name: '' }, metrics }],
  ])('removes it from a 4-space export with %s, leaving valid JSON with everything else', (_name, doc) => {
    const file = join(dir, 'load-performance.json');
    writeFileSync(file, JSON.stringify(doc, null, 4));
    expect(strip(file)).toEqual({ status: 0, stderr: '' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TOKEN);
    const { setup_data: _gone, ...rest } = doc;
    expect(JSON.parse(text)).toEqual(rest);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('keeps working at another indentation', () => {
    const file = join(dir, 'x.json');
    writeFileSync(file, JSON.stringify({ metrics, setup_data: { token: TOKEN } }, null, 2));
    expect(strip(file).status).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ metrics });
  });

  it('refuses, and leaves the file unpublishable, when it cannot strip (single-line JSON)', () => {
    const file = join(dir, 'x.json');
    writeFileSync(file, JSON.stringify({ metrics, setup_data: { token: TOKEN } }));
    const r = strip(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/still has a setup_data member after stripping; not publishing it/);
  });

  it('fails clearly when the export is missing', () => {
    const r = strip(join(dir, 'nope.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nope\.json does not exist \(did k6 run with --summary-export=/);
  });
});

describe('the GitLab load job, run for real', () => {
  type Job = { script: string[]; variables?: Record<string, string> };

  /** Runs the .tenant_load_k6 script lines under sh with `k6` = the project's offline runner. */
  function runJob(script: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
    const doc = parse(readFileSync(join(REPO_ROOT, 'ops/ci/gitlab/tenant-load.gitlab-ci.yml'), 'utf8')) as Record<string, Job>;
    const job = doc['.tenant_load_k6'] as Job;
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin, join(dir, 'ops/ci/gitlab')]);
    // The built runner (npm test builds first): its VU worker threads load build/ files, not TypeScript.
    writeFileSync(join(bin, 'k6'), `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'build/k6-offline.js')}" "$@"\n`);
    chmodSync(join(bin, 'k6'), 0o755);
    // The job runs in the repository's root: the script path it calls must resolve there.
    writeFileSync(join(dir, 'ops/ci/gitlab/strip-setup-data.sh'), readFileSync(STRIP));
    writeFileSync(join(dir, 'test.js'), script);
    const r = spawnSync('sh', ['-e', '-c', job.script.join('\n')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: `${bin}:${process.env.PATH}`, TENANT_LOAD_BUNDLE: 'test.js', CI_PIPELINE_ID: '1', CI_JOB_ID: '2', ...(job.variables ?? {}), ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const SCRIPT = (threshold: string): string => `
import { check } from 'k6';
export const options = { vus: 1, iterations: 3, thresholds: { checks: ['${threshold}'] } };
export function setup() { return { tenants: [{ id: 't1', token: '${TOKEN}' }] }; }
export default function () { check(1, { 'one is one': (v) => v === 1 }); }
`;

  it('exits with k6 exit code 99 when a threshold is crossed, after publishing a token-free load_performance report', () => {
    const r = runJob(SCRIPT('rate>1.5'), {});
    expect(r.status, r.stderr).toBe(99);
    const report = readFileSync(join(dir, 'load-performance.json'), 'utf8');
    expect(report).not.toContain(TOKEN);
    const exported = JSON.parse(report) as { metrics: Record<string, Record<string, unknown>>; setup_data?: unknown };
    expect(exported.setup_data).toBeUndefined();
    // What GitLab's widget reads from the legacy shape: checks passes/fails, http_reqs rate.
    expect(exported.metrics.checks).toMatchObject({ passes: 3, fails: 0, thresholds: { 'rate>1.5': true } });
  });

  it('exits 0 when every threshold holds', () => {
    const r = runJob(SCRIPT('rate>0.99'), {});
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'load-performance.json'), 'utf8')).not.toContain(TOKEN);
  });
});
