import exec from 'k6/execution';
export const options = { vus: 1, iterations: 5 };
export default function () {
  if (exec.scenario.iterationInTest === 1) exec.test.abort('enough');
}
export function teardown() { console.log('TEARDOWN RAN'); }
