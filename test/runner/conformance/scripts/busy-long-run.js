export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '10m' } } };
export default function () {
  console.log('BUSY');
  while (true) {}
}
export function teardown() { console.log('TEARDOWN RAN'); }
