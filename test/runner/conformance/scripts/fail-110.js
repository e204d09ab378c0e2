import exec from 'k6/execution';
export const options = { vus: 1, iterations: 3 };
export default function () {
  if (exec.scenario.iterationInTest === 0) exec.test.fail('marked failed');
}
