// k6's own example of an iteration k6 interrupts at the scenario's end: a loop that never yields.
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
export default function () {
  while (true) {}
}
export function teardown() { console.log('TEARDOWN RAN'); }
