/**
 * Runs Debian's promtool (Prometheus 2.42) for the ops tests. The tool is required, never
 * optional: `npm test` installs it (scripts/ensure-tools.sh), and a missing binary fails the test
 * with the install command instead of skipping - a suite that silently drops its Prometheus checks
 * proves nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertion messages. */
  readonly output: string;
}

const INSTALL_HINT = 'install it with: apt-get install -y prometheus (or run: bash scripts/ensure-tools.sh)';

/** Absolute path of a system tool, or an Error naming the package that provides it. */
export function requireTool(name: 'promtool' | 'prometheus'): string {
  for (const candidate of [`/usr/bin/${name}`, `/usr/local/bin/${name}`]) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = onPath.stdout.trim();
  if (onPath.status === 0 && found !== '') return found;
  throw new Error(`${name} is not installed; the Prometheus checks cannot run: ${INSTALL_HINT}`);
}

export function promtool(args: readonly string[], cwd?: string): ToolResult {
  const bin = requireTool('promtool');
  const run = spawnSync(bin, [...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  if (run.error) throw new Error(`promtool ${args.join(' ')} could not run: ${run.error.message}`);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, output: `${run.stdout}\n${run.stderr}` };
}

/**
 * Checks PromQL expressions offline: wraps each in a recording rule of a throwaway rule file and
 * runs `promtool check rules`, which parses every expression (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/).
 */
export function checkPromqlExpressions(exprs: readonly { name: string; expr: string }[]): ToolResult {
  const dir = mkdtempSync(join(tmpdir(), 'promql-check-'));
  const file = join(dir, 'exprs.yaml');
  const rules = exprs.map((e, i) => ({ record: `check:expr_${i}:${e.name.replace(/[^a-zA-Z0-9_]/g, '_')}`, expr: e.expr }));
  writeFileSync(file, stringify({ groups: [{ name: 'promql-check', rules }] }));
  return promtool(['check', 'rules', file]);
}
