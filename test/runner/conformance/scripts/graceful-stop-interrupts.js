import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
export default async function () { await new Promise((r) => setTimeout(r, 700)); }
export function teardown() { console.log('TEARDOWN RAN'); }
