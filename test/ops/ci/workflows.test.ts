/**
 * The CI threshold gate users copy (ops/ci): the GitHub workflow and the GitLab snippet parse,
 * pin every action and image, run the agent bundle with k6 so that the exit code (99 on crossed
 * thresholds, docs/k6-semantics.md#exit-codes, #ci) gates the job, inject the outage only behind a human, and
 * publish what the bundle writes. Every `run:` block passes shellcheck.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULTS } from '../../../lib/config';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const GITHUB = join(REPO_ROOT, 'ops/ci/github/tenant-load.yml');
const GITLAB = join(REPO_ROOT, 'ops/ci/gitlab/tenant-load.gitlab-ci.yml');

type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { needs?: string | string[]; if?: string; env?: Record<string, string>; steps: Step[]; concurrency?: unknown; permissions?: unknown };
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const workflow = (): Workflow => parse(readFileSync(GITHUB, 'utf8')) as Workflow;
const allSteps = (): Step[] => Object.values(workflow().jobs).flatMap((j) => j.steps);
const stepUsing = (action: string): Step => {
  const found = allSteps().filter((s) => s.uses?.startsWith(`${action}@`));
  expect(found, action).toHaveLength(1);
  return found[0] as Step;
};

// A version tag (vMAJOR.MINOR.PATCH) or a full commit SHA; never a branch or a floating major.
const PINNED = /@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/;

describe('the GitHub workflow', () => {
  it('parses as YAML into a workflow with the build-and-test and load-gate jobs', () => {
    const wf = workflow();
    expect(Object.keys(wf.jobs)).toEqual(['build-and-test', 'load-gate']);
    expect(wf.jobs['load-gate']?.needs).toBe('build-and-test');
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
  });

  it('pins every action to a version tag or a commit SHA', () => {
    const uses = allSteps().flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThanOrEqual(6);
    for (const u of uses) expect(u, u).toMatch(PINNED);
  });

  it.each<[string, boolean]>([
    ['actions/checkout@v4', false],
    ['actions/checkout@main', false],
    ['grafana/run-k6-action@v1.4', false],
    ['grafana/run-k6-action@v1.4.0', true],
    ['actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', true],
  ])('counts %s as pinned: %s', (u, pinned) => {
    expect(PINNED.test(u)).toBe(pinned);
  });

  it('installs an exact k6 version and runs the agent bundle with run-k6-action', () => {
    expect(stepUsing('grafana/setup-k6-action').with?.['k6-version']).toMatch(/^2\.\d+\.\d+$/);
    const run = stepUsing('grafana/run-k6-action');
    expect(run.with?.path).toBe('dist/tenant-load-agent.js');
    // run-k6-action switches to Grafana Cloud when K6_CLOUD_TOKEN is set (docs/k6-semantics.md#ci).
    expect(Object.keys(run.env ?? {})).not.toContain('K6_CLOUD_TOKEN');
    // No step swallows the failure: the k6 exit code (99) fails the step and the job.
    expect(run['continue-on-error' as keyof Step]).toBeUndefined();
    const steps = workflow().jobs['load-gate']?.steps ?? [];
    const runAt = steps.findIndex((s) => s.uses?.startsWith('grafana/run-k6-action@'));
    const buildAt = steps.findIndex((s) => s.run?.includes('npm run -s build'));
    expect(buildAt).toBeGreaterThanOrEqual(0);
    expect(runAt).toBeGreaterThan(buildAt);
  });

  it('takes every URL and credential from secrets, never from literals', () => {
    const env = stepUsing('grafana/run-k6-action').env ?? {};
    for (const name of ['BASE_URL', 'AUTH_URL', 'AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET', 'AUDIT_TOKEN', 'FAULT_AGENT_URL', 'FAULT_AGENT_TOKEN']) {
      expect(env[name], name).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
    }
  });

  it('injects the outage only on a manual run with the outage input ticked', () => {
    const wf = workflow();
    const dispatch = wf.on.workflow_dispatch as { inputs: Record<string, { type: string; default: unknown }> };
    expect(dispatch.inputs.outage).toMatchObject({ type: 'boolean', default: false });
    // Job-level, so the run and the tenant-verdict gate see the same settings.
    const env = wf.jobs['load-gate']?.env ?? {};
    expect(env.CHAOS).toBe("${{ github.event_name == 'workflow_dispatch' && inputs.outage && 'on' || 'off' }}");
    expect(stepUsing('grafana/run-k6-action').env?.CHAOS).toBeUndefined();
    // The only other place CHAOS could come from: nowhere else in the workflow.
    expect(readFileSync(GITHUB, 'utf8').match(/CHAOS:/g)).toHaveLength(1);
  });

  it("uploads summary.json, junit.xml and k6's JSON output even when the gate fails, at the paths the run writes", () => {
    const env = stepUsing('grafana/run-k6-action').env ?? {};
    expect([env.SUMMARY_JSON, env.JUNIT_XML]).toEqual([DEFAULTS.SUMMARY_JSON, DEFAULTS.JUNIT_XML]);
    const flags = String(stepUsing('grafana/run-k6-action').with?.flags).split(/\s+/);
    expect(flags).toContain('--out');
    expect(flags[flags.indexOf('--out') + 1]).toBe('json=results.json.gz');
    const upload = stepUsing('actions/upload-artifact');
    expect(upload.if).toBe('always()');
    expect(String(upload.with?.path).trim().split('\n')).toEqual([DEFAULTS.SUMMARY_JSON, DEFAULTS.JUNIT_XML, 'results.json.gz', 'verdict.json', 'verdict-junit.xml', 'tenant-load-report.html']);
  });

  it('asks for read-only repository access and never runs two gates at once', () => {
    expect(workflow().permissions).toEqual({ contents: 'read' });
    expect(workflow().jobs['load-gate']?.concurrency).toEqual({ group: 'tenant-load-gate', 'cancel-in-progress': false });
  });

  it('gates on tenant-verdict over results.json.gz after the run, with the run\'s chaos variables, Markdown to the job summary and the report uploaded', () => {
    const steps = workflow().jobs['load-gate']?.steps ?? [];
    const runAt = steps.findIndex((s) => s.uses?.startsWith('grafana/run-k6-action@'));
    const gateAt = steps.findIndex((s) => s.run?.includes('tenant-verdict'));
    const uploadAt = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(gateAt).toBeGreaterThan(runAt);
    expect(uploadAt).toBeGreaterThan(gateAt);
    const gate = steps[gateAt]!;
    expect(gate.if).toContain('always()');
    expect(gate.run).toMatch(/^npx tenant-verdict results\.json\.gz /);
    expect(gate.run).toContain('--markdown "$GITHUB_STEP_SUMMARY"');
    expect(gate.run).toContain('--report tenant-load-report.html');
    // CHAOS and CHAOS_EXPECT come from the job's env, shared with the run; no step overrides them.
    for (const v of ['CHAOS', 'CHAOS_EXPECT']) {
      expect(workflow().jobs['load-gate']?.env?.[v], v).toBeDefined();
      for (const st of steps) expect(st.env?.[v], `${st.name ?? st.uses} ${v}`).toBeUndefined();
    }
    expect(String(steps[uploadAt]!.with?.path)).toContain('tenant-load-report.html');
  });

  it('writes a verdict table from summary.json that matches the bundle summary shape', () => {
    const step = allSteps().find((s) => s.name === 'SLO verdict in the job summary');
    const script = /node -e '([\s\S]*)'/.exec(step?.run ?? '')?.[1];
    expect(script).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'gh-summary-'));
    try {
      const summary = {
        version: 1,
        verdict: { pass: false, rows: [{ title: 'p95 reads', target: '< 300 ms', measured: '412 ms', ok: false }, { title: 'errors', target: '< 0.5 %', measured: '0.1 %', ok: true }] },
      };
      writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
      const r = spawnSync(process.execPath, ['-e', script as string], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('## Tenant load: FAIL\n\n| SLO | target | measured | |\n| --- | --- | --- | --- |\n| p95 reads | < 300 ms | 412 ms | ✗ |\n| errors | < 0.5 % | 0.1 % | ✓ |\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has run: blocks that shellcheck passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-run-'));
    try {
      allSteps().forEach((s, i) => {
        if (!s.run) return;
        // GitHub substitutes ${{ }} before the shell runs; stand in a plain word.
        const body = s.run.replace(/\$\{\{[^}]*\}\}/g, 'EXPR');
        const file = join(dir, `step-${i}.sh`);
        writeFileSync(file, `#!/usr/bin/env bash\nset -eo pipefail\n${body}\n`);
        const r = spawnSync('shellcheck', ['--shell=bash', file], { encoding: 'utf8' });
        expect(r.error, 'shellcheck must be installed (scripts/ensure-tools.sh)').toBeUndefined();
        expect(r.stdout, `step ${s.name ?? i}`).toBe('');
        expect(r.status).toBe(0);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type GitlabJob = {
  extends?: string;
  image?: { name: string; entrypoint: string[] } | string;
  script?: string[];
  variables?: Record<string, string>;
  rules?: { if: string; when?: string }[];
  artifacts?: { when?: string; paths?: string[]; reports?: Record<string, string> };
  needs?: Array<string | { job: string; artifacts?: boolean }>;
};

describe('the GitLab snippet', () => {
  const doc = (): Record<string, GitlabJob & Record<string, unknown>> => parse(readFileSync(GITLAB, 'utf8')) as never;
  const resolved = (name: string): GitlabJob => {
    const d = doc();
    const job = d[name] as GitlabJob;
    const base = job.extends ? (d[job.extends] as GitlabJob) : {};
    return { ...base, ...job, variables: { ...(d.variables as Record<string, string>), ...base.variables, ...job.variables } };
  };

  it('parses, and pins the k6 and Node images to exact versions', () => {
    const d = doc();
    expect((d.variables as Record<string, string>).K6_IMAGE).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
    expect(d.tenant_load_build?.image).toMatch(/^node:\d+\.\d+\.\d+-/);
  });

  it('publishes the load_performance report from the legacy --summary-export file', () => {
    const job = resolved('load_performance');
    const script = (job.script ?? []).join('\n');
    const exported = /--summary-export=(\S+)/.exec(script)?.[1];
    expect(exported).toBe('load-performance.json');
    expect(job.artifacts?.reports?.load_performance).toBe(exported);
    expect(job.artifacts?.reports?.junit).toBe(DEFAULTS.JUNIT_XML);
    expect(job.artifacts?.when).toBe('always');
    expect(job.artifacts?.paths).toEqual(expect.arrayContaining([DEFAULTS.SUMMARY_JSON, DEFAULTS.JUNIT_XML, 'load-performance.json', 'results.json.gz']));
    expect(/--out json=(\S+)/.exec(script)?.[1]).toBe('results.json.gz');
    expect(script).toContain('"$TENANT_LOAD_BUNDLE"');
    expect(job.variables?.TENANT_LOAD_BUNDLE).toBe('dist/tenant-load-agent.js');
  });

  it('runs a baseline automatically and the outage only as a manual job', () => {
    expect(resolved('load_performance').variables?.CHAOS).toBe('off');
    const outage = resolved('load_performance_outage');
    expect(outage.variables?.CHAOS).toBe('on');
    expect(outage.rules?.every((r) => r.when === 'manual')).toBe(true);
    expect(resolved('load_performance').rules?.some((r) => r.when === 'manual')).toBe(false);
  });

  it.each([
    ['load_performance', 'load_performance_verdict'],
    ['load_performance_outage', 'load_performance_outage_verdict'],
  ])('judges %s with tenant-verdict over its results.json.gz, with its CHAOS, even after a failed run', (load, verdict) => {
    const run = resolved(load);
    const gate = resolved(verdict);
    expect((run.script ?? []).join('\n')).toContain('--out json=results.json.gz');
    expect(run.artifacts?.paths).toContain('results.json.gz');
    expect(gate.needs).toEqual([{ job: load, artifacts: true }]);
    expect((gate.script ?? []).join('\n')).toMatch(/npx tenant-verdict results\.json\.gz .*--junit verdict-junit\.xml .*--report tenant-load-report\.html/);
    expect(gate.variables?.CHAOS).toBe(run.variables?.CHAOS);
    expect(gate.rules?.every((r) => r.when === 'always')).toBe(true);
    expect(gate.artifacts?.reports?.junit).toBe('verdict-junit.xml');
  });

  it('has script lines that shellcheck passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-run-'));
    try {
      const d = doc();
      for (const [name, job] of Object.entries(d)) {
        if (!job || typeof job !== 'object' || !Array.isArray((job as GitlabJob).script)) continue;
        const file = join(dir, `${name}.sh`);
        writeFileSync(file, `#!/bin/sh\nset -e\n${((job as GitlabJob).script ?? []).join('\n')}\n`);
        const r = spawnSync('shellcheck', ['--shell=sh', file], { encoding: 'utf8' });
        expect(r.stdout, name).toBe('');
        expect(r.status).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
