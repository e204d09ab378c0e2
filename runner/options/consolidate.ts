/**
 * Option consolidation (docs/k6-semantics.md#scenarios, #option-defaults; k6 `lib/options.go` Apply,
 * `lib/executor/execution_config_shortcuts.go`).
 *
 * Precedence: defaults < script `options` < `K6_*` environment < CLI flags. As in k6, a layer
 * that sets any of `duration`/`iterations`/`stages`/`scenarios` replaces all four from the lower
 * layers; setting shortcuts and `scenarios` in the same layer is an error. Shortcuts then become
 * the `default` scenario. Pure: inputs in, consolidated options or InvalidOptionsError out.
 */
import { parseHosts, type HostsTable } from '../http/hosts';
import {
  CONSTANT_VUS,
  DEFAULT_HANDLE_SUMMARY_TIMEOUT,
  DEFAULT_SCENARIO_NAME,
  DEFAULT_SETUP_TIMEOUT,
  DEFAULT_SUMMARY_MODE,
  DEFAULT_SUMMARY_TREND_STATS,
  DEFAULT_SYSTEM_TAGS,
  DEFAULT_TEARDOWN_TIMEOUT,
  PER_VU_ITERATIONS,
  RAMPING_VUS,
  SHARED_ITERATIONS,
  SUMMARY_MODES,
  SUMMARY_TIME_UNITS,
  type SummaryMode,
} from '../constants';
import { InvalidOptionsError } from '../errors';
import type { RunFlags } from './cli-args';
import { parseK6Duration as parseDuration } from '../../contracts/duration';
import { ExecutionTuple, parseSegment, parseSequence, resolveSequence } from './execution-segment';
import { parseScenario, type ScenarioConfig } from './scenario-config';
import { sizeProblems, type VuLimit } from './size-limits';

/** One layer of options, shaped like k6's script `options` object. */
export type OptionsLayer = Record<string, unknown>;

export interface ConsolidatedOptions {
  /** As `exec.test.options` shows them: shortcuts removed, scenarios filled in. */
  testOptions: Record<string, unknown>;
  scenarios: ScenarioConfig[];
  /** `undefined` when thresholds are disabled (`--no-thresholds`). */
  thresholds: Record<string, unknown> | undefined;
  tags: Record<string, string>;
  summaryTrendStats: string[];
  summaryTimeUnit: string | undefined;
  summaryMode: SummaryMode;
  summaryExport: string | undefined;
  noSetup: boolean;
  noTeardown: boolean;
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  handleSummaryTimeoutMs: number;
  /** `minIterationDuration`: an iteration never ends sooner (docs/k6-semantics.md#option-defaults). */
  minIterationDurationMs: number;
  discardResponseBodies: boolean;
  /** `insecureSkipTLSVerify`: script option < K6_INSECURE_SKIP_TLS_VERIFY < --insecure-skip-tls-verify. */
  insecureSkipTLSVerify: boolean;
  /** `hosts`: where host names connect instead of DNS (runner/http/hosts.ts). */
  hosts: HostsTable | undefined;
  maxRedirects: number;
  userAgent: string;
  throwErrors: boolean;
  systemTags: string[];
  tuple: ExecutionTuple;
  warnings: string[];
}

export const OFFLINE_VERSION = '0.1.0';
export const DEFAULT_USER_AGENT = `Grafana k6/1.3.0 (k6-offline/${OFFLINE_VERSION})`;

const EXECUTION_KEYS = ['duration', 'iterations', 'stages', 'scenarios'] as const;

/** Reads the `K6_*` environment variables into a layer (k6 `envconfig` names). */
export function envLayer(env: Readonly<Record<string, string | undefined>>, problems: string[]): OptionsLayer {
  const layer: OptionsLayer = {};
  const int = (name: string, key: string): void => {
    const v = env[name];
    if (v === undefined || v === '') return;
    if (!/^\d+$/.test(v)) problems.push(`${name}: expected a non-negative integer, got ${JSON.stringify(v)}`);
    else layer[key] = Number(v);
  };
  const bool = (name: string, key: string): void => {
    const v = env[name];
    if (v === undefined || v === '') return;
    if (!['true', 'false', '1', '0'].includes(v)) problems.push(`${name}: expected true or false, got ${JSON.stringify(v)}`);
    else layer[key] = v === 'true' || v === '1';
  };
  const str = (name: string, key: string): void => {
    const v = env[name];
    if (v !== undefined && v !== '') layer[key] = v;
  };
  int('K6_VUS', 'vus');
  int('K6_ITERATIONS', 'iterations');
  str('K6_DURATION', 'duration');
  if (env.K6_STAGES) layer.stages = parseStageList(env.K6_STAGES.split(','), 'K6_STAGES', problems);
  bool('K6_NO_THRESHOLDS', 'noThresholds');
  bool('K6_NO_SETUP', 'noSetup');
  bool('K6_NO_TEARDOWN', 'noTeardown');
  bool('K6_DISCARD_RESPONSE_BODIES', 'discardResponseBodies');
  bool('K6_INSECURE_SKIP_TLS_VERIFY', 'insecureSkipTLSVerify');
  str('K6_SUMMARY_EXPORT', 'summaryExport');
  str('K6_SUMMARY_MODE', 'summaryMode');
  str('K6_SUMMARY_TIME_UNIT', 'summaryTimeUnit');
  if (env.K6_SUMMARY_TREND_STATS) layer.summaryTrendStats = env.K6_SUMMARY_TREND_STATS.split(',').map((s) => s.trim());
  str('K6_EXECUTION_SEGMENT', 'executionSegment');
  str('K6_EXECUTION_SEGMENT_SEQUENCE', 'executionSegmentSequence');
  str('K6_SETUP_TIMEOUT', 'setupTimeout');
  str('K6_TEARDOWN_TIMEOUT', 'teardownTimeout');
  str('K6_HANDLE_SUMMARY_TIMEOUT', 'handleSummaryTimeout');
  str('K6_USER_AGENT', 'userAgent');
  str('K6_MIN_ITERATION_DURATION', 'minIterationDuration');
  return layer;
}

/** `--stage 30s:10` → `{duration: '30s', target: 10}`. */
function parseStageList(items: readonly string[], source: string, problems: string[]): Array<{ duration: string; target: number }> {
  return items.map((item) => {
    const [d, t] = item.split(':');
    if (d === undefined || parseDuration(d) === undefined || (t !== undefined && !/^\d+$/.test(t))) {
      problems.push(`${source}: invalid stage ${JSON.stringify(item)} (expected DURATION:TARGET, e.g. 30s:10)`);
      return { duration: '0s', target: 0 };
    }
    return { duration: d, target: t === undefined ? 0 : Number(t) };
  });
}

/** The CLI flags as a layer; only flags the user actually gave. */
export function flagLayer(flags: RunFlags, problems: string[]): OptionsLayer {
  const layer: OptionsLayer = {};
  if (flags.vus !== undefined) layer.vus = flags.vus;
  if (flags.duration !== undefined) layer.duration = flags.duration;
  if (flags.iterations !== undefined) layer.iterations = flags.iterations;
  if (flags.stages) layer.stages = parseStageList(flags.stages, '--stage', problems);
  if (flags.tags.length) layer.tags = Object.fromEntries(flags.tags);
  if (flags.summaryExport !== undefined) layer.summaryExport = flags.summaryExport;
  if (flags.summaryMode !== undefined) layer.summaryMode = flags.summaryMode;
  if (flags.summaryTrendStats !== undefined) layer.summaryTrendStats = flags.summaryTrendStats.split(',').map((s) => s.trim());
  if (flags.noThresholds) layer.noThresholds = true;
  if (flags.insecureSkipTLSVerify !== undefined) layer.insecureSkipTLSVerify = flags.insecureSkipTLSVerify;
  if (flags.noSetup) layer.noSetup = true;
  if (flags.noTeardown) layer.noTeardown = true;
  if (flags.executionSegment !== undefined) layer.executionSegment = flags.executionSegment;
  if (flags.executionSegmentSequence !== undefined) layer.executionSegmentSequence = flags.executionSegmentSequence;
  return layer;
}

/** Merges layers low to high with k6's execution-override rule. */
export function mergeLayers(layers: readonly OptionsLayer[], problems: string[]): OptionsLayer {
  const out: OptionsLayer = {};
  layers.forEach((layer, i) => {
    const setsExecution = EXECUTION_KEYS.filter((k) => layer[k] !== undefined && layer[k] !== null);
    if (layer.scenarios !== undefined && setsExecution.length > 1) {
      const shortcuts = setsExecution.filter((k) => k !== 'scenarios');
      problems.push(`using multiple execution config shortcuts (${shortcuts.join(', ')}) simultaneously with scenarios is not allowed${i === 0 ? ' (in the script options)' : ''}`);
    }
    if (setsExecution.length > 0) for (const k of EXECUTION_KEYS) delete out[k];
    for (const [k, v] of Object.entries(layer)) if (v !== undefined && v !== null) out[k] = v;
  });
  return out;
}

/**
 * Turns shortcuts into the `default` scenario, in k6's order (k6 v2.2
 * `lib/executor/execution_config_shortcuts.go` `DeriveScenariosFromShortcuts`): `iterations`,
 * then `duration` (it must be positive), then non-empty `stages`, then `vus` alone — which since
 * k6 v2.1.0 (#5794) replaces any `scenarios` with N VUs sharing N iterations, with a warning —
 * then `scenarios`, else one VU running one iteration.
 */
export function deriveScenarios(merged: OptionsLayer, warnings: string[], problems: string[] = []): Record<string, unknown> {
  const vus = merged.vus ?? 1;
  const stages = merged.stages;
  const scenarios = merged.scenarios;
  if (merged.iterations !== undefined) {
    const s: Record<string, unknown> = { executor: SHARED_ITERATIONS, vus, iterations: merged.iterations };
    if (merged.duration !== undefined) s.maxDuration = merged.duration;
    return { [DEFAULT_SCENARIO_NAME]: s };
  }
  if (merged.duration !== undefined) {
    const ms = parseDuration(merged.duration);
    if (ms !== undefined && ms <= 0) {
      problems.push(`duration must be more than 0, got ${JSON.stringify(merged.duration)} (use iterations for a run of a fixed number of iterations)`);
    }
    return { [DEFAULT_SCENARIO_NAME]: { executor: CONSTANT_VUS, vus, duration: merged.duration } };
  }
  // Anything but an empty list goes to ramping-vus, which validates it.
  if (stages !== undefined && !(Array.isArray(stages) && stages.length === 0)) {
    return { [DEFAULT_SCENARIO_NAME]: { executor: RAMPING_VUS, startVUs: vus, stages } };
  }
  if (merged.vus !== undefined && stages === undefined) {
    if (scenarios !== undefined) warnings.push(`\`vus=${String(merged.vus)}\` overrides scenarios configuration`);
    return { [DEFAULT_SCENARIO_NAME]: { executor: SHARED_ITERATIONS, vus, iterations: vus } };
  }
  const emptyObject = typeof scenarios === 'object' && scenarios !== null && !Array.isArray(scenarios) && Object.keys(scenarios).length === 0;
  if (scenarios !== undefined && !emptyObject) return scenarios as Record<string, unknown>;
  if (Array.isArray(stages)) warnings.push('`stages` was explicitly set to an empty value, running the script with 1 iteration in 1 VU');
  if (emptyObject) warnings.push('`scenarios` was explicitly set to an empty value, running the script with 1 iteration in 1 VU');
  return { [DEFAULT_SCENARIO_NAME]: { executor: PER_VU_ITERATIONS, vus: 1, iterations: 1 } };
}

function durationOption(merged: OptionsLayer, key: string, fallback: string, problems: string[]): number {
  const ms = parseDuration(merged[key] ?? fallback);
  if (ms === undefined || ms < 0) {
    problems.push(`${key}: invalid duration ${JSON.stringify(merged[key])}`);
    return parseDuration(fallback)!;
  }
  return ms;
}

export interface ConsolidateInput {
  scriptOptions: OptionsLayer;
  env: Readonly<Record<string, string | undefined>>;
  flags: RunFlags;
  /** Names of the script's exported functions, to check `exec`. */
  exportedFunctions: readonly string[];
  /** The most VUs a scenario may ask for in this process (size-limits.ts); unchecked when absent. */
  vuLimit?: VuLimit;
}

export function consolidate(input: ConsolidateInput): ConsolidatedOptions {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (typeof input.scriptOptions !== 'object' || input.scriptOptions === null || Array.isArray(input.scriptOptions)) {
    throw new InvalidOptionsError(['the exported options must be an object']);
  }
  const layers = [input.scriptOptions, envLayer(input.env, problems), flagLayer(input.flags, problems)];
  const merged = mergeLayers(layers, problems);

  if (merged.duration !== undefined && parseDuration(merged.duration) === undefined) problems.push(`duration: invalid duration ${JSON.stringify(merged.duration)}`);
  for (const key of ['vus', 'iterations']) {
    const v = merged[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) problems.push(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }

  const rawScenarios = deriveScenarios(merged, warnings, problems);
  const scenarios: ScenarioConfig[] = [];
  if (typeof rawScenarios !== 'object' || rawScenarios === null || Array.isArray(rawScenarios)) {
    problems.push('scenarios must be an object keyed by scenario name');
  } else {
    for (const [name, raw] of Object.entries(rawScenarios)) {
      const s = parseScenario(name, raw, problems);
      if (s) scenarios.push(s);
    }
  }
  for (const s of scenarios) {
    if (!input.exportedFunctions.includes(s.exec)) {
      problems.push(
        s.exec === 'default'
          ? `scenarios.${s.name}: the script has no default export function to run (export default function, or set exec)`
          : `scenarios.${s.name}.exec: function '${s.exec}' not found in exports (exported functions: ${input.exportedFunctions.join(', ') || 'none'})`,
      );
    }
  }

  const summaryMode = (merged.summaryMode ?? DEFAULT_SUMMARY_MODE) as SummaryMode;
  if (!(SUMMARY_MODES as readonly string[]).includes(summaryMode)) problems.push(`summary-mode: invalid value ${JSON.stringify(summaryMode)} (allowed: ${SUMMARY_MODES.join(', ')})`);
  const trendStats = (merged.summaryTrendStats ?? DEFAULT_SUMMARY_TREND_STATS) as unknown;
  if (!Array.isArray(trendStats) || trendStats.some((s) => typeof s !== 'string' || !/^(avg|min|med|max|count|p\((\d+(\.\d+)?)\))$/.test(s))) {
    problems.push(`summaryTrendStats: invalid value ${JSON.stringify(trendStats)} (allowed: avg, min, med, max, count, p(N))`);
  }
  const timeUnit = merged.summaryTimeUnit as string | undefined;
  if (timeUnit !== undefined && timeUnit !== '' && !(SUMMARY_TIME_UNITS as readonly string[]).includes(timeUnit)) {
    problems.push(`summaryTimeUnit: invalid value ${JSON.stringify(timeUnit)} (allowed: ${SUMMARY_TIME_UNITS.join(', ')})`);
  }
  const tags = (merged.tags ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(tags)) if (typeof v !== 'string') problems.push(`tags.${k} must be a string, got ${JSON.stringify(v)}`);
  const hosts = parseHosts(merged.hosts);
  problems.push(...hosts.problems);
  const thresholds = merged.thresholds;
  if (thresholds !== undefined && (typeof thresholds !== 'object' || Array.isArray(thresholds))) problems.push('thresholds must be an object keyed by metric');

  // Execution segment (docs/k6-semantics.md#execution-segments).
  let tuple = ExecutionTuple.full();
  const segText = merged.executionSegment as string | undefined;
  const seqText = merged.executionSegmentSequence as string | undefined;
  if (segText !== undefined || seqText !== undefined) {
    const seg = parseSegment(String(segText ?? '0:1'));
    const seq = seqText === undefined ? undefined : parseSequence(String(seqText));
    if (typeof seg === 'string') problems.push(`execution-segment: ${seg}`);
    else if (typeof seq === 'string') problems.push(`execution-segment-sequence: ${seq}`);
    else {
      const resolved = resolveSequence(seg, seq);
      if (typeof resolved === 'string') problems.push(`execution-segment: ${resolved}`);
      else tuple = ExecutionTuple.fromBounds(resolved.bounds, resolved.index);
    }
  }
  const systemTags = (merged.systemTags as string[] | undefined) ?? [...DEFAULT_SYSTEM_TAGS];
  const setupTimeoutMs = durationOption(merged, 'setupTimeout', DEFAULT_SETUP_TIMEOUT, problems);
  const teardownTimeoutMs = durationOption(merged, 'teardownTimeout', DEFAULT_TEARDOWN_TIMEOUT, problems);
  const handleSummaryTimeoutMs = durationOption(merged, 'handleSummaryTimeout', DEFAULT_HANDLE_SUMMARY_TIMEOUT, problems);
  const minIterationDurationMs = durationOption(merged, 'minIterationDuration', '0s', problems);
  const maxRedirects = merged.maxRedirects ?? 10;
  if (typeof maxRedirects !== 'number' || !Number.isInteger(maxRedirects) || maxRedirects < 0) problems.push(`maxRedirects must be a non-negative integer`);

  if (input.vuLimit) problems.push(...sizeProblems(scenarios, tuple, input.vuLimit));

  if (problems.length) throw new InvalidOptionsError(problems);

  const testOptions: Record<string, unknown> = { ...merged };
  for (const k of ['vus', 'duration', 'iterations', 'stages', 'noThresholds', 'summaryExport', 'summaryMode']) delete testOptions[k];
  testOptions.scenarios = rawScenarios;
  testOptions.summaryTrendStats = trendStats;
  testOptions.tags = tags;

  return {
    testOptions,
    scenarios,
    thresholds: merged.noThresholds ? undefined : (thresholds as Record<string, unknown> | undefined),
    tags: tags as Record<string, string>,
    summaryTrendStats: trendStats as string[],
    summaryTimeUnit: timeUnit || undefined,
    summaryMode,
    summaryExport: merged.summaryExport as string | undefined,
    noSetup: merged.noSetup === true,
    noTeardown: merged.noTeardown === true,
    setupTimeoutMs,
    teardownTimeoutMs,
    handleSummaryTimeoutMs,
    minIterationDurationMs,
    discardResponseBodies: merged.discardResponseBodies === true,
    insecureSkipTLSVerify: merged.insecureSkipTLSVerify === true,
    hosts: hosts.table,
    maxRedirects: maxRedirects as number,
    userAgent: typeof merged.userAgent === 'string' ? merged.userAgent : DEFAULT_USER_AGENT,
    throwErrors: merged.throw === true,
    systemTags,
    tuple,
    warnings,
  };
}
