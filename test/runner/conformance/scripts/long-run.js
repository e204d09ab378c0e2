export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '30s' } } };
export default async function () { await new Promise((r) => setTimeout(r, 50)); }
export function teardown() { console.log('TEARDOWN RAN'); }
