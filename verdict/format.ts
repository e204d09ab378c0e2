/**
 * The verdict's outputs: k6-style text (stdout), JSON, JUnit XML and Markdown
 * ($GITHUB_STEP_SUMMARY). Every output lists the same evaluations in the same order: whole run,
 * phases, worst windows, tenants (worst first).
 */
import type { NotJudged, Scope, SloResult, Verdict } from './evaluate';

export interface RunInfo {
  files: string[];
  samples: number;
  firstMs: number;
  lastMs: number;
  windowMs: number;
  stepMs: number;
  chaos: string;
  notes: string[];
}

const OK = '✓';
const FAIL = '✗';

export function formatValue(value: number | null, unit: SloResult['unit']): string {
  if (value === null) return 'no samples';
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${value < 10 ? value.toFixed(2) : value.toFixed(1)}ms`;
  if (unit === 'ratio') return `${(value * 100).toFixed(value * 100 < 10 ? 2 : 1)}%`;
  return String(Math.round(value));
}

const formatLimit = (r: SloResult): string => {
  if (r.unit === 'count') return `${r.op} ${r.limit}`;
  if (r.unit === 'ms') return `${r.op} ${Number.isInteger(r.limit) ? `${r.limit}ms` : formatValue(r.limit, 'ms')}`;
  return `${r.op} ${Math.round(r.limit * 1e6) / 1e4}%`;
};

const hhmmss = (iso: string): string => (iso.length >= 19 ? iso.slice(11, 19) : iso);

/** The group a result belongs to, e.g. `whole run`, `phase chaos`, `worst 60s window`, `tenant t-03`. */
export function groupOf(scope: Scope, info: Pick<RunInfo, 'windowMs'>): string {
  if (scope.tenant !== undefined) return `tenant ${scope.tenant}`;
  if (scope.phase !== undefined) return `phase ${scope.phase}`;
  if (scope.window !== undefined) return `worst ${info.windowMs / 1000}s window`;
  return 'whole run';
}

/** The reason text of a result: its value and, when it failed, why. */
export function describe(r: SloResult): string {
  if (r.value === null || r.samples === 0) return 'no samples: no evidence';
  return formatValue(r.value, r.unit);
}

function groups(results: readonly SloResult[], info: Pick<RunInfo, 'windowMs'>): Map<string, SloResult[]> {
  const out = new Map<string, SloResult[]>();
  for (const r of results) {
    const g = groupOf(r.scope, info);
    let list = out.get(g);
    if (!list) out.set(g, (list = []));
    list.push(r);
  }
  return out;
}

/** `tenant t-01` -> `read p(95) 60, write p(95) 5`. */
export function notJudgedByScope(list: readonly NotJudged[]): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const n of list) {
    if (n.reason !== undefined) continue;
    const where = n.scope.tenant !== undefined ? `tenant ${n.scope.tenant}` : 'every window';
    let l = out.get(where);
    if (!l) out.set(where, (l = []));
    l.push(`${n.name} ${n.samples}/${n.minSamples}`);
  }
  return new Map([...out].map(([k, v]) => [k, v.join(', ')]));
}

function notJudgedLine(n: NotJudged): string {
  if (n.reason !== undefined) return `${n.name}: ${n.reason}`;
  const where = n.scope.tenant !== undefined ? `tenant ${n.scope.tenant}` : 'any window';
  return `${where}: ${n.name} not judged (${n.samples} samples < ${n.minSamples})`;
}

function runLine(info: RunInfo): string {
  if (info.notes.length > 0) return `${runLine({ ...info, notes: [] })}; ${info.notes.join('; ')}`;
  const dur = info.lastMs >= info.firstMs ? Math.round((info.lastMs - info.firstMs) / 1000) : 0;
  const span = info.lastMs >= info.firstMs ? `${new Date(info.firstMs).toISOString()} + ${dur}s` : 'no samples';
  const files = info.files.length === 1 ? '1 output' : `${info.files.length} outputs merged as one run`;
  return `${files}, ${info.samples.toLocaleString('en-US')} samples, ${span}, chaos ${info.chaos}`;
}

/** k6-style text verdict, grouped by scope. */
export function renderText(v: Verdict, info: RunInfo, { maxTenants = 10 } = {}): string {
  const lines: string[] = [];
  lines.push(`  █ VERDICT (tenant-verdict) ${v.ok ? OK : FAIL} ${v.ok ? 'every SLO held' : `${v.slos.filter((r) => !r.ok).length} of ${v.slos.length} SLO evaluations failed`}`);
  lines.push(`    ${runLine(info)}`);
  lines.push('');
  let tenantsShown = 0;
  let tenantsHidden = 0;
  for (const [group, list] of groups(v.slos, info)) {
    const isTenant = list[0]!.scope.tenant !== undefined;
    if (isTenant && tenantsShown === 0 && tenantsHidden === 0) lines.push(`    tenants: ${v.tenantOrder.length} seen, worst first`);
    if (isTenant && tenantsShown >= maxTenants && list.every((r) => r.ok)) {
      tenantsHidden++;
      continue;
    }
    if (isTenant) tenantsShown++;
    lines.push(`    ${group}${list[0]!.scope.window ? ` (step ${info.stepMs / 1000}s, ${v.windowCount} window${v.windowCount === 1 ? '' : 's'})` : ''}`);
    for (const r of list) {
      const label = `${r.name} ${formatLimit(r)}`;
      const samples = r.unit === 'count' ? '' : `  (${r.samples.toLocaleString('en-US')} samples)`;
      const w = r.scope.window;
      const when = w ? `  ${hhmmss(w.start)}–${hhmmss(w.end)} UTC` : '';
      lines.push(`      ${r.ok ? OK : FAIL} ${label.padEnd(32, ' ')} ${describe(r).padEnd(10, ' ')}${samples}${when}`);
    }
  }
  if (tenantsHidden > 0) lines.push(`    … ${tenantsHidden} more tenants, every SLO held (--json lists them all)`);
  const unmeasured = v.notJudged.filter((x) => x.reason !== undefined);
  if (unmeasured.length > 0) lines.push('', '    not measured by this source:', ...unmeasured.map((n) => `      - ${n.name}: ${n.reason}`));
  const byScope = notJudgedByScope(v.notJudged);
  if (byScope.size > 0) {
    lines.push('', '    not judged (samples/minimum, the per-tenant gates\' rule):');
    for (const [where, items] of [...byScope].slice(0, 12)) lines.push(`      - ${where}: ${items}`);
    if (byScope.size > 12) lines.push(`      … ${byScope.size - 12} more`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The JSON verdict: exactly { ok, slos: [{ name, scope, value, limit, ok, samples }] } (value null:
 * no samples). What was not judged is in the text, Markdown, report and JUnit (as skipped).
 */
export function renderJson(v: Verdict): string {
  return `${JSON.stringify(
    { ok: v.ok, slos: v.slos.map((r) => ({ name: r.name, scope: r.scope, value: r.value, limit: r.limit, ok: r.ok, samples: r.samples })) },
    null,
    2,
  )}\n`;
}

const xml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** JUnit XML: one testcase per SLO and scope, a failure element for each that did not hold. */
export function renderJunit(v: Verdict, info: RunInfo): string {
  const failures = v.slos.filter((r) => !r.ok).length;
  const cases = v.slos.map((r) => {
    const name = `${groupOf(r.scope, info)}: ${r.name} ${formatLimit(r)}`;
    const measured = `${describe(r)} (${r.samples} samples)`;
    const inner = r.ok ? `<system-out>${xml(measured)}</system-out>` : `<failure message="${xml(`SLO not met: ${measured}`)}" type="SloFailed">${xml(name)} measured ${xml(measured)}</failure>`;
    return `    <testcase name="${xml(name)}" classname="tenant-verdict.${xml(groupOf(r.scope, info).split(' ')[0]!)}">${inner}</testcase>`;
  });
  // Not judged (minimum-sample rule, or not measured by the source): skipped, with the reason.
  const skipped = v.notJudged.map((n) => {
    const why = notJudgedLine(n);
    const where = n.reason !== undefined ? 'whole run' : n.scope.tenant !== undefined ? `tenant ${n.scope.tenant}` : `worst ${info.windowMs / 1000}s window`;
    return `    <testcase name="${xml(`${where}: ${n.name}`)}" classname="tenant-verdict.${n.scope.tenant !== undefined ? 'tenant' : n.reason !== undefined ? 'whole' : 'worst'}"><skipped message="${xml(why)}"/></testcase>`;
  });
  const tests = v.slos.length + skipped.length;
  const seconds = info.lastMs >= info.firstMs ? ((info.lastMs - info.firstMs) / 1000).toFixed(3) : '0.000';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tenant-verdict" tests="${tests}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="tenant-verdict" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped.length}" time="${seconds}">`,
    ...cases,
    ...skipped,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

const md = (s: string): string => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);

/** Markdown for $GITHUB_STEP_SUMMARY: the verdict line, failures first, then a table per scope. */
export function renderMarkdown(v: Verdict, info: RunInfo): string {
  const out: string[] = [];
  const failed = v.slos.filter((r) => !r.ok);
  out.push(`## ${v.ok ? '✅ tenant-verdict: every SLO held' : `❌ tenant-verdict: ${failed.length} of ${v.slos.length} SLO evaluations failed`}`);
  out.push('', md(runLine(info)), '');
  if (failed.length > 0) {
    out.push('### Failed', '', '| scope | SLO | value | limit | samples |', '| --- | --- | --- | --- | ---: |');
    for (const r of failed) out.push(`| ${md(groupOf(r.scope, info))}${r.scope.window ? ` ${hhmmss(r.scope.window.start)}–${hhmmss(r.scope.window.end)}` : ''} | ${md(r.name)} | ${md(describe(r))} | ${md(formatLimit(r))} | ${r.samples} |`);
    out.push('');
  }
  out.push('### All evaluations', '', '| | scope | SLO | value | limit | samples |', '| --- | --- | --- | --- | --- | ---: |');
  for (const r of v.slos) out.push(`| ${r.ok ? OK : FAIL} | ${md(groupOf(r.scope, info))} | ${md(r.name)} | ${md(describe(r))} | ${md(formatLimit(r))} | ${r.samples} |`);
  if (v.notJudged.length > 0) {
    out.push('', `Not judged: ${v.notJudged.slice(0, 50).map((n) => md(notJudgedLine(n))).join('; ')}`);
  }
  return `${out.join('\n')}\n`;
}
