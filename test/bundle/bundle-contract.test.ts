/**
 * The contract of the files users hand to k6 (docs/architecture.md#k6-side, docs/k6-semantics.md#sobek, #scenarios, #threshold-grammar):
 * each bundle is built with the project's own esbuild options, parsed with acorn and walked:
 * only k6 modules, the extension and pinned jslib URLs are imported; nothing Sobek lacks (syntax
 * or globals) appears; the exported functions match the scenarios' `exec`; `options` is valid
 * under k6's rules; and each bundle stays under the size budget.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs config without types
import { K6_BUNDLES, K6_OPTIONS } from '../../esbuild.config.mjs';
import { METRIC_TYPES } from '../../lib/metric-names';
import { parseK6Duration } from '../../contracts/duration';
import { parseMetricKey } from '../../contracts/metric-key';
import { parseThresholdFor } from '../../contracts/threshold-grammar';
import * as loadAgent from '../../scenarios/tenant-load-agent';
import * as loadXk6 from '../../scenarios/tenant-load';
import * as smoke from '../../scenarios/tenant-smoke';

/**
 * Budget per bundle: k6 evaluates the bundle in every VU (docs/k6-semantics.md#bundling) and a
 * 5,000/s run needs ~400 VUs; 150 KB keeps per-VU code well under a megabyte. Now ~55-85 KB.
 */
const SIZE_BUDGET_BYTES = 150 * 1024;

const K6_MODULES = ['k6', 'k6/http', 'k6/metrics', 'k6/execution', 'k6/data', 'k6/timers', 'k6/encoding', 'k6/crypto'];
const PINNED_JSLIB = /^https:\/\/jslib\.k6\.io\/[a-z0-9-]+\/\d+\.\d+\.\d+\/index\.js$/;

/** Globals k6 does not provide (docs/k6-semantics.md#sobek). */
const FORBIDDEN_GLOBALS = [
  'process', 'require', 'module', 'exports', 'Buffer', 'global', 'window', 'self', 'document', 'navigator',
  'fetch', 'URL', 'URLSearchParams', 'structuredClone', 'performance', 'atob', 'btoa', 'WeakRef',
  'FinalizationRegistry', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'AbortController', 'Blob',
  'SharedArrayBuffer', 'Atomics', 'Iterator', 'Temporal', 'TextEncoder', 'TextDecoder', '__dirname', '__filename',
];
/** Static members Sobek lacks. */
const FORBIDDEN_MEMBERS = ['Object.groupBy', 'Map.groupBy', 'Promise.withResolvers', 'Promise.try', 'Array.fromAsync', 'Symbol.asyncIterator', 'Math.sumPrecise'];
/** Methods of built-ins Sobek lacks (Set methods, well-formed strings). */
const FORBIDDEN_METHODS = ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom', 'isWellFormed', 'toWellFormed'];

const EXECUTOR_KEYS: Record<string, string[]> = {
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
};
const COMMON_KEYS = ['executor', 'startTime', 'gracefulStop', 'exec', 'env', 'tags'];

let outdir: string;
const bundles: Record<string, { code: string; ast: acorn.Program; size: number }> = {};

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'k6-bundles-'));
  const entryPoints = Object.fromEntries(Object.entries(K6_BUNDLES as Record<string, string>).map(([src, out]) => [out.replace(/^dist\//, '').replace(/\.js$/, ''), src]));
  await esbuild.build({ ...(K6_OPTIONS as esbuild.BuildOptions), entryPoints, outdir, logLevel: 'silent' });
  for (const name of Object.keys(entryPoints)) {
    const file = join(outdir, `${name}.js`);
    const code = readFileSync(file, 'utf8');
    bundles[name] = { code, ast: acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' }), size: statSync(file).size };
  }
}, 60_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const NAMES = ['tenant-load', 'tenant-load-agent', 'tenant-smoke'];

function importsOf(ast: acorn.Program): string[] {
  const out: string[] = [];
  walk.full(ast, (node) => {
    const n = node as acorn.Node & { source?: { value?: unknown } };
    if ((n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration') && n.source) out.push(String(n.source.value));
    if (n.type === 'ImportExpression') out.push('<dynamic import()>');
  });
  return out;
}

function declaredNames(ast: acorn.Program): Set<string> {
  const names = new Set<string>();
  const addPattern = (p: acorn.Node | null | undefined): void => {
    if (!p) return;
    walk.full(p, (n) => {
      if (n.type === 'Identifier') names.add((n as acorn.Identifier).name);
    });
  };
  walk.full(ast, (node) => {
    const n = node as acorn.Node & Record<string, unknown>;
    if (n.type === 'VariableDeclarator') addPattern(n.id as acorn.Node);
    if (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') {
      if (n.id) addPattern(n.id as acorn.Node);
      for (const p of n.params as acorn.Node[]) addPattern(p);
    }
    if (n.type === 'ClassDeclaration' && n.id) addPattern(n.id as acorn.Node);
    if (n.type === 'CatchClause') addPattern(n.param as acorn.Node);
    if (n.type === 'ImportSpecifier' || n.type === 'ImportDefaultSpecifier' || n.type === 'ImportNamespaceSpecifier') addPattern(n.local as acorn.Node);
  });
  return names;
}

/** Identifiers used as values that refer to forbidden globals (not declared in the bundle). */
function forbiddenGlobalsIn(ast: acorn.Program): string[] {
  const declared = declaredNames(ast);
  const found = new Set<string>();
  walk.fullAncestor(ast, (node, _state, ancestors) => {
    if (node.type !== 'Identifier') return;
    const name = (node as acorn.Identifier).name;
    if (!FORBIDDEN_GLOBALS.includes(name) || declared.has(name)) return;
    const parent = ancestors[ancestors.length - 2] as (acorn.Node & Record<string, unknown>) | undefined;
    if (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
    if ((parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') && parent.key === node && !parent.computed) return;
    found.add(name);
  });
  return [...found];
}

function forbiddenSyntaxIn(ast: acorn.Program): string[] {
  const found: string[] = [];
  walk.full(ast, (node) => {
    const n = node as acorn.Node & Record<string, unknown>;
    if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression') && n.async && n.generator) found.push('async generator');
    if (n.type === 'ForOfStatement' && n.await) found.push('for await');
    if (n.type === 'Literal' && n.regex) {
      const { flags, pattern } = n.regex as { flags: string; pattern: string };
      if (/[dv]/.test(flags)) found.push(`regexp flag ${flags}`);
      if (/\\[pP]\{/.test(pattern)) found.push('regexp unicode property escape');
    }
    if (n.type === 'MemberExpression' && !n.computed) {
      const obj = n.object as acorn.Node & { name?: string };
      const prop = (n.property as acorn.Identifier).name;
      if (obj.type === 'Identifier' && FORBIDDEN_MEMBERS.includes(`${obj.name}.${prop}`)) found.push(`${obj.name}.${prop}`);
      if (FORBIDDEN_METHODS.includes(prop)) found.push(`.${prop}()`);
    }
    if (n.type === 'CallExpression' && (n.callee as acorn.Node & { name?: string }).name === 'require') found.push('require()');
  });
  return found;
}

function exportedNames(ast: acorn.Program): string[] {
  const out: string[] = [];
  for (const stmt of ast.body) {
    if (stmt.type === 'ExportNamedDeclaration') {
      for (const s of stmt.specifiers) out.push(s.exported.type === 'Identifier' ? s.exported.name : String(s.exported.value));
      if (stmt.declaration?.type === 'VariableDeclaration') for (const d of stmt.declaration.declarations) if (d.id.type === 'Identifier') out.push(d.id.name);
      if (stmt.declaration && 'id' in stmt.declaration && stmt.declaration.id) out.push((stmt.declaration.id as acorn.Identifier).name);
    }
    if (stmt.type === 'ExportDefaultDeclaration') out.push('default');
  }
  return out.sort();
}

function declaredMetrics(ast: acorn.Program): string[] {
  const out: string[] = [];
  walk.simple(ast, {
    NewExpression(n) {
      const callee = n.callee as acorn.Identifier;
      const arg = n.arguments[0] as acorn.Node & { value?: unknown; type: string };
      if (['Counter', 'Rate', 'Trend', 'Gauge'].includes(callee.name) && arg?.type === 'Literal') out.push(String(arg.value));
      if (['Counter', 'Rate', 'Trend', 'Gauge'].includes(callee.name) && arg?.type === 'MemberExpression') out.push('<via constant>');
    },
  });
  return out;
}

describe('bundle contract', () => {
  it.each(NAMES)('%s imports only k6 modules, the pinned k6-utils jslib and (tenant-load only) k6/x/disruptor', (name) => {
    const imports = importsOf(bundles[name]!.ast);
    const allowed = (spec: string) => K6_MODULES.includes(spec) || PINNED_JSLIB.test(spec) || (name === 'tenant-load' && spec === 'k6/x/disruptor');
    expect(imports.filter((s) => !allowed(s))).toEqual([]);
    expect(imports).toContain('k6/http');
    expect(imports).toContain('https://jslib.k6.io/k6-utils/1.6.0/index.js');
  });

  it('keeps k6/x/disruptor out of the agent and smoke bundles (stock k6 v2 cannot load it)', () => {
    expect(importsOf(bundles['tenant-load']!.ast)).toContain('k6/x/disruptor');
    expect(importsOf(bundles['tenant-load-agent']!.ast)).not.toContain('k6/x/disruptor');
    expect(importsOf(bundles['tenant-smoke']!.ast)).not.toContain('k6/x/disruptor');
  });

  it.each(NAMES)('%s uses no syntax or built-in Sobek lacks', (name) => {
    expect(forbiddenSyntaxIn(bundles[name]!.ast)).toEqual([]);
  });

  it.each(NAMES)('%s references no global k6 does not provide', (name) => {
    expect(forbiddenGlobalsIn(bundles[name]!.ast)).toEqual([]);
  });

  it('the walkers catch what they look for (self-test on a bad snippet)', () => {
    const bad = acorn.parse(
      'import x from "node:fs"; import("k6"); async function* g() {} async function f(){ for await (const a of b) {} } const r = /a/v; Object.groupBy([], () => 1); new Set().union(new Set()); fetch("x"); process.exit(1); const y = { fetch: 1 }; y.URL;',
      { ecmaVersion: 'latest', sourceType: 'module' },
    );
    expect(importsOf(bad)).toEqual(['node:fs', '<dynamic import()>']);
    expect(forbiddenSyntaxIn(bad)).toEqual(['async generator', 'for await', 'regexp flag v', 'Object.groupBy', '.union()']);
    expect(forbiddenGlobalsIn(bad).sort()).toEqual(['fetch', 'process']);
  });

  it.each([
    ['tenant-load', ['handleSummary', 'jwksChaos', 'jwksRotate', 'noisyLoad', 'options', 'setup', 'teardown', 'tenantLoad']],
    ['tenant-load-agent', ['handleSummary', 'jwksChaos', 'jwksRotate', 'noisyLoad', 'options', 'setup', 'teardown', 'tenantLoad']],
    ['tenant-smoke', ['handleSummary', 'options', 'setup', 'tenantSmoke']],
  ])('%s exports the lifecycle and exec functions', (name, exports) => {
    expect(exportedNames(bundles[name]!.ast)).toEqual(exports);
  });

  it.each(NAMES)('%s stays under the 150 KB size budget and links its source map', (name) => {
    expect(bundles[name]!.size).toBeLessThan(SIZE_BUDGET_BYTES);
    expect(bundles[name]!.code).toMatch(new RegExp(`//# sourceMappingURL=${name}\\.js\\.map\\s*$`));
    expect(statSync(join(outdir, `${name}.js.map`)).size).toBeGreaterThan(0);
  });

  it('declares every custom metric in the bundle through the metric-name constants', () => {
    expect(declaredMetrics(bundles['tenant-load-agent']!.ast).length).toBeGreaterThanOrEqual(7);
    for (const name of ['tenant_token_refresh_failures', 'tenant_fail_closed', 'tenant_server_errors', 'chaos_fault_witness', 'chaos_auth_degraded_events', 'chaos_alerts_fired']) {
      expect(bundles['tenant-load-agent']!.code).toContain(`"${name}"`);
    }
  });
});

describe('options shape (docs/k6-semantics.md#scenarios, #executors, #threshold-grammar)', () => {
  const modules = { 'tenant-load': loadXk6, 'tenant-load-agent': loadAgent, 'tenant-smoke': smoke } as Record<string, { options: import('k6/options').Options } & Record<string, unknown>>;

  it.each(NAMES)('%s: scenarios use valid names, executors, keys and durations, and exec exported functions', (name) => {
    const mod = modules[name]!;
    const scenarios = mod.options.scenarios ?? {};
    expect(Object.keys(scenarios).length).toBeGreaterThan(0);
    for (const [sname, sc] of Object.entries(scenarios)) {
      const s = sc as unknown as Record<string, unknown>;
      expect(sname).toMatch(/^[0-9a-zA-Z_-]+$/);
      const keys = EXECUTOR_KEYS[s.executor as string];
      expect(keys, `executor of ${sname}`).toBeDefined();
      for (const k of Object.keys(s)) expect([...COMMON_KEYS, ...keys!], `${sname}.${k}`).toContain(k);
      expect(typeof mod[s.exec as string]).toBe('function');
      for (const k of ['duration', 'maxDuration', 'startTime', 'gracefulStop', 'timeUnit']) {
        if (s[k] !== undefined) expect(parseK6Duration(s[k] as string), `${sname}.${k}=${String(s[k])}`).toBeDefined();
      }
      if (s.executor === 'constant-arrival-rate') {
        expect(Number.isInteger(s.rate) && (s.rate as number) > 0).toBe(true);
        expect(s.maxVUs as number).toBeGreaterThanOrEqual(s.preAllocatedVUs as number);
      }
      if (s.executor === 'ramping-arrival-rate') {
        expect(Number.isInteger(s.startRate) && (s.startRate as number) >= 0).toBe(true);
        const stages = s.stages as Array<{ duration: string; target: number }>;
        expect(stages.length).toBeGreaterThan(0);
        for (const st of stages) {
          expect(parseK6Duration(st.duration), `${sname}.stages duration=${st.duration}`).toBeDefined();
          expect(Number.isInteger(st.target) && st.target >= 0).toBe(true);
        }
        expect(s.maxVUs as number).toBeGreaterThanOrEqual(s.preAllocatedVUs as number);
      }
      if (s.iterations !== undefined) expect(s.iterations as number).toBeGreaterThanOrEqual((s.vus as number) ?? 1);
    }
  });

  it.each(NAMES)('%s: every threshold key and expression is valid for its metric type', (name) => {
    const thresholds = modules[name]!.options.thresholds ?? {};
    expect(Object.keys(thresholds).length).toBeGreaterThan(0);
    for (const [key, list] of Object.entries(thresholds)) {
      const parsed = parseMetricKey(key);
      if (!parsed.ok) throw new Error(parsed.error);
      const metric = parsed.key.parent;
      const type = METRIC_TYPES[metric];
      expect(type, `type of ${metric}`).toBeDefined();
      for (const t of list) {
        const expr = typeof t === 'string' ? t : t.threshold;
        expect(parseThresholdFor(expr, type!), `${key}: ${expr}`).toMatchObject({ ok: true });
        if (typeof t !== 'string' && t.delayAbortEval) expect(parseK6Duration(t.delayAbortEval)).toBeDefined();
      }
    }
  });

  it('the default load run is the design run: a 10s ramp from 500/s, then 5000/s to 10m, outage 5m at 2m', () => {
    const s = loadAgent.options.scenarios!;
    expect(s.tenant_load).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 500, stages: [{ duration: '10s', target: 5000 }, { duration: '9m50s', target: 5000 }] });
    expect(s.jwks_chaos).toMatchObject({ startTime: '2m', maxDuration: '6m', vus: 1, iterations: 1 });
    expect(loadAgent.options.thresholds).toEqual(loadXk6.options.thresholds);
  });
});
