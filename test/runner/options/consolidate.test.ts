/**
 * Option consolidation (docs/k6-semantics.md#scenarios, #option-defaults): defaults < script options < K6_* env < CLI flags;
 * shortcuts become the `default` scenario; a higher layer's execution options replace the lower
 * layers'; shortcuts and scenarios in one layer are an error.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../../../runner/errors';
import { parseArgs, type RunFlags } from '../../../runner/options/cli-args';
import { consolidate, type OptionsLayer } from '../../../runner/options/consolidate';

function flags(...argv: string[]): RunFlags {
  const cmd = parseArgs(['run', ...argv, 'script.js']);
  if (cmd.kind !== 'run') throw new Error('not a run');
  return cmd.flags;
}

function run(scriptOptions: OptionsLayer, env: Record<string, string> = {}, argv: string[] = []) {
  return consolidate({ scriptOptions, env, flags: flags(...argv), exportedFunctions: ['default', 'other'] });
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidOptionsError) return err.problems;
    throw err;
  }
  throw new Error('expected InvalidOptionsError');
}

describe('shortcuts become the default scenario (docs/k6-semantics.md#scenarios)', () => {
  it.each([
    ['nothing → per-vu-iterations 1×1', {}, { executor: 'per-vu-iterations', vus: 1, iterations: 1 }],
    ['iterations → shared-iterations', { vus: 2, iterations: 10 }, { executor: 'shared-iterations', vus: 2, iterations: 10 }],
    ['iterations + duration → shared-iterations with maxDuration', { iterations: 5, duration: '20s' }, { executor: 'shared-iterations', maxDurationMs: 20_000 }],
    ['duration → constant-vus', { vus: 3, duration: '10s' }, { executor: 'constant-vus', vus: 3, durationMs: 10_000 }],
    ['stages → ramping-vus starting at vus', { vus: 2, stages: [{ duration: '5s', target: 4 }] }, { executor: 'ramping-vus', startVUs: 2 }],
    ['vus alone → shared-iterations vus×vus (v2.1+)', { vus: 4 }, { executor: 'shared-iterations', vus: 4, iterations: 4 }],
  ])('%s', (_t, opts, expected) => {
    const c = run(opts);
    expect(c.scenarios).toHaveLength(1);
    expect(c.scenarios[0]).toMatchObject({ name: 'default', ...expected });
  });
});

describe('precedence: defaults < script options < K6_* env < CLI flags', () => {
  it.each([
    ['script options apply', {}, [], 2],
    ['K6_ITERATIONS beats the script', { K6_ITERATIONS: '4' }, [], 4],
    ['--iterations beats K6_ITERATIONS', { K6_ITERATIONS: '4' }, ['--iterations', '6'], 6],
    ['-i beats the script', {}, ['-i', '7'], 7],
  ])('%s', (_t, env, argv, iterations) => {
    expect(run({ vus: 1, iterations: 2 }, env, argv).scenarios[0]).toMatchObject({ iterations });
  });

  it('K6_STAGES becomes a ramping-vus default scenario', () => {
    expect(run({}, { K6_STAGES: '10s:5,20s:0' }).scenarios[0]).toMatchObject({ executor: 'ramping-vus', stages: [{ durationMs: 10_000, target: 5 }, { durationMs: 20_000, target: 0 }] });
  });

  it('--stage flags beat K6_STAGES', () => {
    expect(run({}, { K6_STAGES: '10s:5' }, ['--stage', '1s:2', '-s', '2s:0']).scenarios[0]).toMatchObject({ stages: [{ durationMs: 1000, target: 2 }, { durationMs: 2000, target: 0 }] });
  });

  it('a flag setting duration replaces script scenarios (execution override)', () => {
    const c = run({ scenarios: { a: { executor: 'shared-iterations' } } }, {}, ['--duration', '5s']);
    expect(c.scenarios.map((s) => [s.name, s.executor])).toEqual([['default', 'constant-vus']]);
  });

  // k6 v2.2 lib/executor/execution_config_shortcuts.go (DeriveScenariosFromShortcuts); release notes v2.1.0 #5794.
  it.each([
    ['--vus alone over script scenarios', { scenarios: { a: { executor: 'constant-vus', vus: 9, duration: '1m' } } }, {}, ['--vus', '3']],
    ['K6_VUS alone over script scenarios', { scenarios: { a: { executor: 'constant-vus', vus: 9, duration: '1m' } } }, { K6_VUS: '3' }, []],
    ['script vus next to script scenarios', { vus: 3, scenarios: { a: { executor: 'constant-vus', vus: 9, duration: '1m' } } }, {}, []],
  ])('%s replaces them with one default scenario of N VUs sharing N iterations, with a warning', (_t, opts, env, argv) => {
    const c = run(opts, env, argv);
    expect(c.scenarios.map((s) => [s.name, s.executor])).toEqual([['default', 'shared-iterations']]);
    expect(c.scenarios[0]).toMatchObject({ vus: 3, iterations: 3 });
    expect(c.warnings).toContain('`vus=3` overrides scenarios configuration');
  });

  it('vus with script stages keeps ramping-vus (vus is its startVUs)', () => {
    expect(run({ stages: [{ duration: '1s', target: 2 }] }, {}, ['--vus', '3']).scenarios[0]).toMatchObject({ executor: 'ramping-vus', startVUs: 3 });
  });

  it.each([
    ['empty stages', { stages: [] }, '`stages` was explicitly set to an empty value'],
    ['empty scenarios', { scenarios: {} }, '`scenarios` was explicitly set to an empty value'],
  ])('%s run one iteration in one VU with a warning', (_t, opts, warning) => {
    const c = run(opts);
    expect(c.scenarios[0]).toMatchObject({ name: 'default', executor: 'per-vu-iterations', vus: 1, iterations: 1 });
    expect(c.warnings.join('\n')).toContain(warning);
  });

  it.each([
    ['--duration 0', {}, ['--duration', '0']],
    ['--duration 0s', {}, ['--duration', '0s']],
    ['a negative duration', {}, ['--duration', '-1s']],
    ['script duration 0s', { duration: '0s' }, []],
  ])('%s is refused: duration must be more than 0', (_t, opts, argv) => {
    expect(problems(() => run(opts, {}, argv)).join('\n')).toContain('duration must be more than 0');
  });

  it('shortcuts and scenarios in the same layer are an error', () => {
    expect(problems(() => run({ duration: '5s', scenarios: { a: { executor: 'shared-iterations' } } }))[0]).toContain('simultaneously with scenarios');
  });

  it('--no-thresholds and K6_NO_THRESHOLDS drop thresholds', () => {
    expect(run({ thresholds: { x: ['count>0'] } }, {}, ['--no-thresholds']).thresholds).toBeUndefined();
    expect(run({ thresholds: { x: ['count>0'] } }, { K6_NO_THRESHOLDS: 'true' }).thresholds).toBeUndefined();
    expect(run({ thresholds: { x: ['count>0'] } }).thresholds).toEqual({ x: ['count>0'] });
  });

  it('--tag replaces script tags wholesale (docs/k6-semantics.md#system-tags: one source wins)', () => {
    expect(run({ tags: { a: '1', b: '2' } }, {}, ['--tag', 'a=9']).tags).toEqual({ a: '9' });
  });

  it('exec.test.options shows scenarios, not shortcuts', () => {
    const c = run({ vus: 2, iterations: 4, thresholds: {} });
    expect(c.testOptions).not.toHaveProperty('vus');
    expect(c.testOptions).not.toHaveProperty('iterations');
    expect(c.testOptions.scenarios).toEqual({ default: { executor: 'shared-iterations', vus: 2, iterations: 4 } });
  });
});

describe('invalid options are reported together (exit 104)', () => {
  it.each([
    ['bad K6_VUS', {}, { K6_VUS: 'many' }, [], 'K6_VUS: expected a non-negative integer'],
    ['bad --stage', {}, {}, ['--stage', 'abc'], '--stage: invalid stage "abc"'],
    ['bad summary mode', {}, {}, ['--summary-mode', 'legacy'], 'summary-mode: invalid value "legacy"'],
    ['bad summaryTrendStats', { summaryTrendStats: ['p(x)'] }, {}, [], 'summaryTrendStats: invalid value'],
    ['bad segment', {}, {}, ['--execution-segment', '2:1'], 'execution-segment'],
    ['segment outside the sequence', {}, {}, ['--execution-segment', '0:1/3', '--execution-segment-sequence', '0,1/4,1'], 'is not part of the sequence'],
    ['missing exec', { scenarios: { s: { executor: 'shared-iterations', exec: 'nope' } } }, {}, [], "function 'nope' not found"],
    ['bad duration shortcut', { duration: 'forever' }, {}, [], 'duration: invalid duration "forever"'],
  ])('%s', (_t, opts, env, argv, message) => {
    expect(problems(() => run(opts, env, argv)).join('\n')).toContain(message);
  });

  it('InvalidOptionsError maps to exit code 104', () => {
    try {
      run({ scenarios: { s: { executor: 'nope' } } });
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidOptionsError);
      expect((err as InvalidOptionsError).exitCode).toBe(104);
      expect((err as InvalidOptionsError).code).toBe('ERR_INVALID_OPTIONS');
    }
  });
});

describe('command line (k6 run flags)', () => {
  it('parses repeatable -e and --tag, both flag forms, and booleans', () => {
    const f = flags('-e', 'A=1', '--env=B=2=3', '--tag', 'team=x', '--vus=3', '--no-setup', '--quiet');
    expect(f.env).toEqual([['A', '1'], ['B', '2=3']]);
    expect(f.tags).toEqual([['team', 'x']]);
    expect(f).toMatchObject({ vus: 3, noSetup: true, quiet: true, noTeardown: false });
  });

  it.each([
    [['run', '--bogus', 's.js'], 'unknown flag: --bogus'],
    [['run'], 'needs a script'],
    [['run', '--vus', 'x', 's.js'], 'not an integer'],
    [['run', '-e', 'NOEQUALS', 's.js'], 'expected KEY=VALUE'],
    [['frobnicate'], 'unknown command'],
  ])('%j is a usage error (exit 255)', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
    try {
      parseArgs(argv);
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(255);
    }
  });

  it.each([[['version']], [['--version']]])('%j prints the version', (argv) => expect(parseArgs(argv).kind).toBe('version'));
  it.each([[[]], [['help']], [['--help']]])('%j prints help', (argv) => expect(parseArgs(argv).kind).toBe('help'));
});
