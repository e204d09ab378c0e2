import exec from 'k6/execution';
import { check } from 'k6';
export const options = { scenarios: { exec_test: { executor: 'per-vu-iterations', vus: 2, iterations: 2, tags: { team: 'a' }, env: { SCOPED: 'yes' } } } };
export default function () {
  check(exec, {
    'scenario name': (e) => e.scenario.name === 'exec_test',
    'executor': (e) => e.scenario.executor === 'per-vu-iterations',
    'vu id 1-based': (e) => e.vu.idInTest >= 1 && e.vu.idInTest === __VU,
    'iterationInInstance equals __ITER': (e) => e.vu.iterationInInstance === __ITER,
    'options show scenarios': (e) => e.test.options.scenarios.exec_test.executor === 'per-vu-iterations',
    'options are read-only': (e) => Object.isFrozen(e.test.options),
    'scenario env merged': () => __ENV.SCOPED === 'yes',
    'startTime is unix ms': (e) => Math.abs(e.scenario.startTime - Date.now()) < 60000,
  });
  exec.vu.metrics.tags.mytag = 'v';
}
