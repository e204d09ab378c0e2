/**
 * Strict scenario validation (docs/k6-semantics.md#scenarios, #executors): every problem reported at once, each naming
 * `scenarios.<name>.<key>`; the consolidated error is exit 104.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../runner/options/scenario-config';

function problemsOf(name: string, raw: unknown): string[] {
  const problems: string[] = [];
  parseScenario(name, raw, problems);
  return problems;
}

describe('scenario validation', () => {
  it.each([
    ['an unknown key is rejected naming it and the allowed keys', 's', { executor: 'constant-vus', vus: 1, duration: '1s', rate: 5 }, ['scenarios.s: unknown key "rate" for executor constant-vus']],
    ['a missing executor is required', 's', { vus: 1 }, ['scenarios.s.executor is required']],
    ['an unknown executor lists the six', 's', { executor: 'constant-vuz' }, ['unknown executor "constant-vuz"']],
    ['externally-controlled was removed in v2', 's', { executor: 'externally-controlled' }, ['removed in k6 v2.0.0']],
    ['a scenario name with spaces is invalid', 'bad name', { executor: 'shared-iterations' }, ['scenario name "bad name" is invalid']],
    ['a non-duration string is rejected', 's', { executor: 'constant-vus', vus: 1, duration: '10 seconds' }, ['scenarios.s.duration: invalid duration "10 seconds"']],
    ['duration under 1 s is rejected', 's', { executor: 'constant-vus', vus: 1, duration: '500ms' }, ['scenarios.s.duration must be at least 1s']],
    ['constant-vus needs a duration', 's', { executor: 'constant-vus', vus: 1 }, ['scenarios.s.duration is required']],
    ['vus must be an integer', 's', { executor: 'shared-iterations', vus: 1.5 }, ['scenarios.s.vus must be an integer']],
    ['iterations cannot be fewer than vus for shared-iterations', 's', { executor: 'shared-iterations', vus: 5, iterations: 2 }, ["the number of iterations (2) can't be less than the number of VUs (5)"]],
    ['a negative gracefulStop is rejected', 's', { executor: 'shared-iterations', gracefulStop: '-1s' }, ['scenarios.s.gracefulStop must not be negative']],
    ['an empty exec is rejected', 's', { executor: 'shared-iterations', exec: '' }, ['scenarios.s.exec must be the name of an exported function']],
    ['env values must be strings', 's', { executor: 'shared-iterations', env: { A: 1 } }, ['scenarios.s.env.A must be a string']],
    ['constant-arrival-rate needs rate and preAllocatedVUs', 's', { executor: 'constant-arrival-rate', duration: '1s' }, ['scenarios.s.preAllocatedVUs is required', 'scenarios.s.rate is required']],
    ['maxVUs below preAllocatedVUs is rejected', 's', { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 5, maxVUs: 2 }, ["maxVUs (2) can't be less than preAllocatedVUs (5)"]],
    ['ramping-vus needs stages', 's', { executor: 'ramping-vus' }, ['scenarios.s.stages is required']],
    ['a stage with an unknown key is rejected', 's', { executor: 'ramping-vus', stages: [{ duration: '1s', target: 1, extra: 1 }] }, ['scenarios.s.stages[0]: unknown key "extra"']],
    ['ramping-vus with nothing to run is rejected', 's', { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1s', target: 0 }] }, ["either startVUs or one of the stages' target must be more than 0"]],
    ['a zero timeUnit is rejected', 's', { executor: 'ramping-arrival-rate', timeUnit: '0s', preAllocatedVUs: 1, stages: [{ duration: '1s', target: 1 }] }, ['scenarios.s.timeUnit must be more than 0']],
  ])('%s', (_title, name, raw, expected) => {
    const problems = problemsOf(name, raw);
    for (const e of expected) expect(problems.some((p) => p.includes(e)), `${JSON.stringify(problems)} should include ${e}`).toBe(true);
  });

  it('reports every problem of a scenario at once', () => {
    expect(problemsOf('s', { executor: 'constant-arrival-rate', rate: 0, duration: 'x', preAllocatedVUs: -1, extra: true })).toHaveLength(5); // unknown key, rate, duration, preAllocatedVUs, and the preAllocatedVUs/maxVUs pair
  });

  it.each([
    [{ executor: 'shared-iterations' }, { vus: 1, iterations: 1, maxDurationMs: 600_000, gracefulStopMs: 30_000, exec: 'default' }],
    [{ executor: 'constant-arrival-rate', rate: 10, duration: '1m', preAllocatedVUs: 5 }, { rate: 10, timeUnitMs: 1000, durationMs: 60_000, preAllocatedVUs: 5, maxVUs: 5 }],
    [{ executor: 'ramping-vus', stages: [{ duration: '10s', target: 5 }], startTime: '1m30s' }, { startVUs: 1, gracefulRampDownMs: 30_000, startTimeMs: 90_000 }],
    [{ executor: 'per-vu-iterations', maxDuration: 5000 }, { maxDurationMs: 5000 }],
  ])('applies k6 defaults: %j', (raw, expected) => {
    const problems: string[] = [];
    expect(parseScenario('s', raw, problems)).toMatchObject(expected);
    expect(problems).toEqual([]);
  });
});
