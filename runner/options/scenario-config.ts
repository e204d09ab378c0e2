/**
 * Scenario configs: strict validation and normalisation of `options.scenarios` (docs/k6-semantics.md#scenarios,
 * k6-semantics.md#executors; k6 `lib/executor/*.go` Validate). Unknown keys, bad names, bad numbers and bad durations
 * are all reported at once, each naming `scenarios.<name>.<key>` (exit 104 at the boundary).
 */
import {
  COMMON_SCENARIO_KEYS,
  CONSTANT_ARRIVAL_RATE,
  CONSTANT_VUS,
  EXECUTOR_KEYS,
  EXECUTOR_TYPES,
  EXTERNALLY_CONTROLLED,
  MIN_SCENARIO_DURATION_MS,
  PER_VU_ITERATIONS,
  RAMPING_ARRIVAL_RATE,
  RAMPING_VUS,
  SCENARIO_DEFAULTS,
  SCENARIO_NAME_PATTERN,
  SHARED_ITERATIONS,
  STAGE_KEYS,
  type ExecutorType,
} from '../constants';
import { parseK6Duration as parseDuration } from '../../contracts/duration';

export interface Stage {
  durationMs: number;
  target: number;
}

interface BaseScenario {
  name: string;
  startTimeMs: number;
  gracefulStopMs: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
}

export interface SharedIterationsConfig extends BaseScenario {
  executor: typeof SHARED_ITERATIONS;
  vus: number;
  iterations: number;
  maxDurationMs: number;
}
export interface PerVuIterationsConfig extends BaseScenario {
  executor: typeof PER_VU_ITERATIONS;
  vus: number;
  iterations: number;
  maxDurationMs: number;
}
export interface ConstantVusConfig extends BaseScenario {
  executor: typeof CONSTANT_VUS;
  vus: number;
  durationMs: number;
}
export interface RampingVusConfig extends BaseScenario {
  executor: typeof RAMPING_VUS;
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
}
export interface ConstantArrivalRateConfig extends BaseScenario {
  executor: typeof CONSTANT_ARRIVAL_RATE;
  rate: number;
  timeUnitMs: number;
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}
export interface RampingArrivalRateConfig extends BaseScenario {
  executor: typeof RAMPING_ARRIVAL_RATE;
  startRate: number;
  timeUnitMs: number;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

export type ScenarioConfig =
  | SharedIterationsConfig
  | PerVuIterationsConfig
  | ConstantVusConfig
  | RampingVusConfig
  | ConstantArrivalRateConfig
  | RampingArrivalRateConfig;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects problems while reading one scenario's fields. */
class FieldReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly prefix: string,
    readonly problems: string[],
  ) {}

  duration(key: string, fallback: string | undefined, min = 0): number {
    const value = this.raw[key] ?? fallback;
    if (value === undefined) {
      this.problems.push(`${this.prefix}.${key} is required`);
      return 0;
    }
    const ms = parseDuration(value);
    if (ms === undefined) {
      this.problems.push(`${this.prefix}.${key}: invalid duration ${JSON.stringify(value)} (use e.g. "30s", "1m30s", or a number of milliseconds)`);
      return 0;
    }
    if (ms < min) {
      this.problems.push(min > 0 ? `${this.prefix}.${key} must be at least ${min / 1000}s, got ${JSON.stringify(value)}` : `${this.prefix}.${key} must not be negative, got ${JSON.stringify(value)}`);
    }
    return ms;
  }

  int(key: string, fallback: number | undefined, min: number, required = false): number {
    const value = this.raw[key] ?? (required ? undefined : fallback);
    if (value === undefined) {
      this.problems.push(`${this.prefix}.${key} is required`);
      return 0;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.problems.push(`${this.prefix}.${key} must be an integer, got ${JSON.stringify(value)}`);
      return 0;
    }
    if (value < min) this.problems.push(`${this.prefix}.${key} must be ${min === 1 ? 'more than 0' : `at least ${min}`}, got ${value}`);
    return value;
  }

  stringMap(key: string): Record<string, string> {
    const value = this.raw[key];
    if (value === undefined) return {};
    if (!isPlainObject(value)) {
      this.problems.push(`${this.prefix}.${key} must be an object of strings`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') this.problems.push(`${this.prefix}.${key}.${k} must be a string, got ${JSON.stringify(v)}`);
      else out[k] = v;
    }
    return out;
  }

  stages(key: string): Stage[] {
    const value = this.raw[key];
    if (value === undefined) {
      this.problems.push(`${this.prefix}.${key} is required (at least one {duration, target})`);
      return [];
    }
    if (!Array.isArray(value) || value.length === 0) {
      this.problems.push(`${this.prefix}.${key} must be a non-empty array of {duration, target}`);
      return [];
    }
    return value.map((s, i) => {
      const p = `${this.prefix}.${key}[${i}]`;
      if (!isPlainObject(s)) {
        this.problems.push(`${p} must be an object {duration, target}`);
        return { durationMs: 0, target: 0 };
      }
      for (const k of Object.keys(s)) {
        if (!(STAGE_KEYS as readonly string[]).includes(k)) this.problems.push(`${p}: unknown key "${k}" (allowed: ${STAGE_KEYS.join(', ')})`);
      }
      const r = new FieldReader(s, p, this.problems);
      return { durationMs: r.duration('duration', undefined), target: r.int('target', 0, 0) };
    });
  }
}

/** Validates one scenario; pushes problems and returns the normalised config (or undefined). */
export function parseScenario(name: string, raw: unknown, problems: string[]): ScenarioConfig | undefined {
  const prefix = `scenarios.${name}`;
  const before = problems.length;
  if (!SCENARIO_NAME_PATTERN.test(name)) {
    problems.push(`scenario name "${name}" is invalid: it must match ${SCENARIO_NAME_PATTERN.source}`);
  }
  if (!isPlainObject(raw)) {
    problems.push(`${prefix} must be an object`);
    return undefined;
  }
  const executor = raw.executor;
  if (executor === EXTERNALLY_CONTROLLED) {
    problems.push(`${prefix}.executor: "${EXTERNALLY_CONTROLLED}" was removed in k6 v2.0.0 and is not supported`);
    return undefined;
  }
  if (typeof executor !== 'string' || !(EXECUTOR_TYPES as readonly string[]).includes(executor)) {
    problems.push(
      executor === undefined
        ? `${prefix}.executor is required (one of ${EXECUTOR_TYPES.join(', ')})`
        : `${prefix}.executor: unknown executor ${JSON.stringify(executor)} (one of ${EXECUTOR_TYPES.join(', ')})`,
    );
    return undefined;
  }
  const type = executor as ExecutorType;
  const allowed = [...COMMON_SCENARIO_KEYS, ...EXECUTOR_KEYS[type]];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) problems.push(`${prefix}: unknown key "${key}" for executor ${type} (allowed: ${allowed.join(', ')})`);
  }
  const r = new FieldReader(raw, prefix, problems);
  const execRaw = raw.exec ?? SCENARIO_DEFAULTS.exec;
  if (typeof execRaw !== 'string' || execRaw === '') problems.push(`${prefix}.exec must be the name of an exported function, got ${JSON.stringify(raw.exec)}`);
  const base: BaseScenario = {
    name,
    startTimeMs: r.duration('startTime', SCENARIO_DEFAULTS.startTime),
    gracefulStopMs: r.duration('gracefulStop', SCENARIO_DEFAULTS.gracefulStop),
    exec: typeof execRaw === 'string' ? execRaw : '',
    env: r.stringMap('env'),
    tags: r.stringMap('tags'),
  };
  let config: ScenarioConfig;
  switch (type) {
    case SHARED_ITERATIONS:
    case PER_VU_ITERATIONS: {
      const vus = r.int('vus', SCENARIO_DEFAULTS.vus, 1);
      const iterations = r.int('iterations', SCENARIO_DEFAULTS.iterations, 1);
      if (type === SHARED_ITERATIONS && iterations < vus && iterations > 0) {
        problems.push(`${prefix}.iterations: the number of iterations (${iterations}) can't be less than the number of VUs (${vus})`);
      }
      config = { ...base, executor: type, vus, iterations, maxDurationMs: r.duration('maxDuration', SCENARIO_DEFAULTS.maxDuration, MIN_SCENARIO_DURATION_MS) } as SharedIterationsConfig | PerVuIterationsConfig;
      break;
    }
    case CONSTANT_VUS:
      config = { ...base, executor: type, vus: r.int('vus', SCENARIO_DEFAULTS.vus, 1), durationMs: r.duration('duration', undefined, MIN_SCENARIO_DURATION_MS) };
      break;
    case RAMPING_VUS: {
      const startVUs = r.int('startVUs', SCENARIO_DEFAULTS.startVUs, 0);
      const stages = r.stages('stages');
      if (stages.length > 0 && startVUs === 0 && stages.every((s) => s.target === 0)) {
        problems.push(`${prefix}: either startVUs or one of the stages' target must be more than 0`);
      }
      if (stages.length > 0 && stages.reduce((a, s) => a + s.durationMs, 0) === 0) problems.push(`${prefix}.stages: the total duration must be more than 0`);
      config = { ...base, executor: type, startVUs, stages, gracefulRampDownMs: r.duration('gracefulRampDown', SCENARIO_DEFAULTS.gracefulRampDown) };
      break;
    }
    case CONSTANT_ARRIVAL_RATE:
    case RAMPING_ARRIVAL_RATE: {
      const timeUnitMs = r.duration('timeUnit', SCENARIO_DEFAULTS.timeUnit);
      if (timeUnitMs <= 0 && problems.length === before) problems.push(`${prefix}.timeUnit must be more than 0`);
      const preAllocatedVUs = r.int('preAllocatedVUs', undefined, 0, true);
      const maxVUs = r.int('maxVUs', preAllocatedVUs, 0);
      if (raw.maxVUs !== undefined && maxVUs < preAllocatedVUs) {
        problems.push(`${prefix}.maxVUs (${maxVUs}) can't be less than preAllocatedVUs (${preAllocatedVUs})`);
      }
      if (raw.maxVUs !== undefined && maxVUs === 0) problems.push(`${prefix}.maxVUs must be more than 0`);
      if (type === CONSTANT_ARRIVAL_RATE) {
        config = { ...base, executor: type, rate: r.int('rate', undefined, 1, true), timeUnitMs, durationMs: r.duration('duration', undefined, MIN_SCENARIO_DURATION_MS), preAllocatedVUs, maxVUs };
      } else {
        config = { ...base, executor: type, startRate: r.int('startRate', SCENARIO_DEFAULTS.startRate, 0), timeUnitMs, stages: r.stages('stages'), preAllocatedVUs, maxVUs };
      }
      if (preAllocatedVUs === 0 && maxVUs === 0 && raw.preAllocatedVUs !== undefined) {
        problems.push(`${prefix}: preAllocatedVUs and maxVUs are both 0, so no iteration can start`);
      }
      break;
    }
  }
  return problems.length === before ? config : undefined;
}

/** Total time a scenario can take, excluding gracefulStop (k6 `GetMaxExecutionTime` without it). */
export function scenarioDurationMs(s: ScenarioConfig): number {
  switch (s.executor) {
    case SHARED_ITERATIONS:
    case PER_VU_ITERATIONS:
      return s.maxDurationMs;
    case CONSTANT_VUS:
    case CONSTANT_ARRIVAL_RATE:
      return s.durationMs;
    case RAMPING_VUS:
    case RAMPING_ARRIVAL_RATE:
      return s.stages.reduce((a, st) => a + st.durationMs, 0);
  }
}
